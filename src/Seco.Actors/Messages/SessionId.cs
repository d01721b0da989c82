namespace Seco.Actors.Messages;

/// <summary>
/// The session a message belongs to (for SECO: one query). Every message carries one (wire
/// format <c>[kind, session, ...fields]</c>, docs/actors.md); a handler's sends inherit the session of the message being
/// handled. A failure fails exactly one session (<see cref="None"/> is never failed as a whole).
/// </summary>
[System.Text.Json.Serialization.JsonConverter(typeof(SessionIdJsonConverter))]
public readonly record struct SessionId(ulong Value)
{
    public static SessionId None => default;

    public bool IsNone => Value == 0;

    public override string ToString() => IsNone ? "-" : $"s{Value}";
}
