using System.Text.Json;
using System.Text.Json.Nodes;
using Seco.Scenarios;
using Seco.Scenarios.Secure;

namespace Seco.Cli.Output;

/// <summary>report.json of a secure run: the scenario, each query's status and logits beside the reference's, and the simulation report.</summary>
internal static class SecureRunJson
{
    public static string Write(PreparedScenario prepared, SecureRunResult result, RunOutcomes outcomes)
    {
        Scenario s = prepared.Scenario;
        var queries = new JsonArray(result.Queries.Select((q, i) => (JsonNode)new JsonObject
        {
            ["index"] = q.Query.Index,
            ["source"] = q.Query.Source,
            ["label"] = q.Query.Label,
            ["status"] = RunOutcomes.Status(q, result.Interrupted),
            // null, not false, for a query that produced nothing: there is nothing to compare.
            ["bit_exact"] = q.Completed ? q.BitExact : null,
            ["prediction"] = q.Prediction,
            ["reference_prediction"] = q.ReferencePrediction,
            ["stopped"] = outcomes.WhereStopped(i),
            ["user"] = result.UserNames[i < result.UserOfQuery.Count ? result.UserOfQuery[i] : 0],
            ["arrived_s"] = Seconds(result.Timeline.Arrival[i]),
            ["online_s"] = Seconds(result.Timeline.Online[i]),
            ["finished_s"] = Seconds(result.Timeline.Finish[i]),
            ["online_inter_server_bytes"] = q.Completed ? outcomes.InterServerOnlineBytes(i) : null,
            ["logits"] = q.Logits is null ? null : new JsonArray(q.Logits.Select(v => (JsonNode)v).ToArray()),
            ["reference_logits"] = new JsonArray(q.ReferenceLogits.Select(v => (JsonNode)v).ToArray()),
        }).ToArray());
        var root = new JsonObject
        {
            ["scenario"] = s.Name,
            ["protocol"] = InferenceProtocols.Name(s.Protocol),
            ["model"] = prepared.Model.Name,
            ["blocks"] = prepared.FixedModel.Blocks.Count,
            ["split"] = s.Split,
            ["network"] = s.Network.Profile.Name,
            ["crypto"] = s.Crypto.Name,
            ["interrupted"] = result.Interrupted,
            ["finished"] = outcomes.Finished,
            ["not_finished"] = outcomes.NotFinished,
            ["wrong"] = outcomes.Wrong,
            ["all_bit_exact"] = result.AllBitExact,
            ["correct"] = outcomes.Correct,
            ["online_inter_server_bytes"] = outcomes.InterServerOnlineBytes(),
            ["queries"] = queries,
            ["load"] = LoadTables.Json(LoadReport.Of(s, result)),
            ["memory"] = new JsonObject
            {
                ["process_peak_resident_bytes"] = Seco.Scenarios.Running.ProcessMemory.PeakResidentBytes(),
                ["scope"] = "the simulator runs every party in this one process: the peak bounds each party's peak from above",
            },
            ["simulation"] = JsonNode.Parse(result.Report.ToJson()),
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Virtual ns as seconds; null for a moment that never came.</summary>
    private static double? Seconds(long ns) => ns < 0 ? null : ns / 1e9;
}
