using System.Text.Json.Nodes;
using Seco.MessagePack.Tests.Support;

namespace Seco.MessagePack.Tests.Interop;

/// <summary>
/// Cross-check against @msgpack/msgpack (an independent implementation) through tests/interop/msgpack-crosscheck.mjs.
/// Skipped when node or tests/interop/node_modules is missing, except under CI=true where that fails instead.
/// </summary>
public class MessagePackInteropTests
{
    private static readonly Lazy<JsonObject> NpmEncoded = new(NodeCrossCheck.Encode);

    private static Dictionary<string, JsonObject> NpmEntries() =>
        NpmEncoded.Value["entries"]!.AsArray().Select(e => e!.AsObject()).ToDictionary(e => (string)e["name"]!);

    [SkippableFact]
    public void Corpus_matches_the_JavaScript_corpus()
    {
        NodeCrossCheck.SkipOrFailIfUnavailable();
        Assert.Equal("3.1.3", (string?)NpmEncoded.Value["version"]);
        string[] jsNames = NpmEncoded.Value["entries"]!.AsArray().Select(e => (string)e!["name"]!).ToArray();
        Assert.Equal(InteropCorpus.Entries.Select(e => e.Name), jsNames);
        foreach (InteropEntry entry in InteropCorpus.Entries)
        {
            // Node's description of the JS value it encoded must be our typed value, seen through the JS rules.
            JsonNode expected = JsCanonical.Describe(entry.Value);
            JsonNode? actual = NpmEntries()[entry.Name]["value"];
            Assert.True(JsonNode.DeepEquals(expected, actual),
                $"{entry.Name}: C# corpus {NodeCrossCheck.Show(expected)} but JS corpus {NodeCrossCheck.Show(actual)}");
        }
    }

    [SkippableFact]
    public void Our_reader_decodes_the_npm_encodings()
    {
        NodeCrossCheck.SkipOrFailIfUnavailable();
        Dictionary<string, JsonObject> npm = NpmEntries();
        foreach (InteropEntry entry in InteropCorpus.Entries)
        {
            byte[] bytes = Mp.Bytes((string)npm[entry.Name]["hex"]!);
            MpValue decoded;
            try
            {
                decoded = MpCodec.Decode(bytes);
            }
            catch (MessagePackException e)
            {
                throw new Xunit.Sdk.XunitException($"{entry.Name}: our reader rejected npm's bytes: {e.Message}");
            }
            Assert.True(entry.ExpectedFromNpm.Describe() == decoded.Describe(),
                $"{entry.Name}: expected {Short(entry.ExpectedFromNpm)} but decoded {Short(decoded)}");

            var skipper = new MessagePackReader(bytes);
            skipper.Skip();
            Assert.True(skipper.End, $"{entry.Name}: Skip did not consume the whole npm encoding");
        }
    }

    [SkippableFact]
    public void Npm_decodes_our_encodings()
    {
        NodeCrossCheck.SkipOrFailIfUnavailable();
        JsonObject result = NodeCrossCheck.Decode(InteropCorpus.Entries.Select(e => (e.Name, Mp.Hex(MpCodec.Encode(e.Value)))));
        var byName = result["entries"]!.AsArray().Select(e => e!.AsObject()).ToDictionary(e => (string)e["name"]!);
        Assert.Equal(InteropCorpus.Entries.Count, byName.Count);
        foreach (InteropEntry entry in InteropCorpus.Entries)
        {
            JsonObject decoded = byName[entry.Name];
            Assert.True(decoded["error"] is null, $"{entry.Name}: @msgpack/msgpack rejected our bytes: {decoded["error"]}");
            JsonNode expected = JsCanonical.Describe(entry.Value);
            Assert.True(JsonNode.DeepEquals(expected, decoded["value"]),
                $"{entry.Name}: expected {NodeCrossCheck.Show(expected)} but npm decoded {NodeCrossCheck.Show(decoded["value"])}");
        }
    }

    [SkippableFact]
    public void Our_bytes_equal_npm_bytes_where_both_pick_the_smallest_encoding()
    {
        NodeCrossCheck.SkipOrFailIfUnavailable();
        Dictionary<string, JsonObject> npm = NpmEntries();
        int identical = 0;
        foreach (InteropEntry entry in InteropCorpus.Entries)
        {
            string ours = Mp.Hex(MpCodec.Encode(entry.Value));
            string theirs = (string)npm[entry.Name]["hex"]!;
            if (entry.BytesDiffer is null)
            {
                Assert.True(ours == theirs, $"{entry.Name}: ours {Truncate(ours)} vs npm {Truncate(theirs)}");
                identical++;
            }
            else
            {
                // Documented differences must really differ, and ours must be the shorter (smaller) one.
                Assert.True(ours != theirs, $"{entry.Name} is listed as differing ({entry.BytesDiffer}) but the bytes are identical");
                Assert.True(ours.Length <= theirs.Length || entry.Value is MpFloat64,
                    $"{entry.Name}: our encoding {ours} is longer than npm's {theirs}");
            }
        }
        Assert.True(identical >= 90, $"only {identical} identical encodings");
    }

    private static string Short(MpValue value) => Truncate(value.Describe());

    private static string Truncate(string text) => text.Length <= 200 ? text : text[..200] + $"... ({text.Length} chars)";
}
