using System.Text.Json;
using System.Text.Json.Serialization;

namespace Seco.Actors.Messages;

/// <summary>Writes a session id as its number in JSON reports (0 = none).</summary>
public sealed class SessionIdJsonConverter : JsonConverter<SessionId>
{
    public override SessionId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => new(reader.GetUInt64());

    public override void Write(Utf8JsonWriter writer, SessionId value, JsonSerializerOptions options) => writer.WriteNumberValue(value.Value);
}
