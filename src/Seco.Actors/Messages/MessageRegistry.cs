using System.Collections.Frozen;
using Seco.MessagePack;

namespace Seco.Actors.Messages;

/// <summary>
/// Maps message kinds to codecs and CLR types to kinds. Decoding an unknown kind is an error naming the
/// kind (never a silent drop), and so is sending a type that has no codec. Build it once, then share it:
/// after <see cref="Freeze"/> (done by the first <see cref="ActorSystem"/> that uses it) it is read-only
/// and safe to use from any thread.
/// </summary>
public sealed class MessageRegistry
{
    private readonly Dictionary<string, IMessageCodec> _byKind = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, IMessageCodec> _byType = [];
    private FrozenDictionary<string, IMessageCodec>? _frozenByKind;
    private FrozenDictionary<Type, IMessageCodec>? _frozenByType;

    /// <summary>A registry with the runtime's own kinds (<see cref="SystemMessages"/>) already in it.</summary>
    public MessageRegistry()
    {
        SystemMessages.RegisterIn(this);
    }

    public bool IsFrozen => _frozenByKind is not null;

    public IEnumerable<string> Kinds => (IEnumerable<string>?)_frozenByKind?.Keys ?? _byKind.Keys;

    /// <exception cref="ArgumentException">The kind or the type is registered already.</exception>
    /// <exception cref="InvalidOperationException">The registry is frozen.</exception>
    public MessageRegistry Register(IMessageCodec codec)
    {
        ArgumentNullException.ThrowIfNull(codec);
        if (IsFrozen)
            throw new InvalidOperationException("the message registry is frozen (an actor system uses it); register every kind before creating systems");
        ValidateKind(codec.Kind);
        if (_byKind.ContainsKey(codec.Kind))
            throw new ArgumentException($"message kind '{codec.Kind}' is registered already", nameof(codec));
        if (_byType.TryGetValue(codec.MessageType, out IMessageCodec? other))
            throw new ArgumentException($"type {codec.MessageType.Name} already has a codec (kind '{other.Kind}')", nameof(codec));
        _byKind.Add(codec.Kind, codec);
        _byType.Add(codec.MessageType, codec);
        return this;
    }

    public void Freeze()
    {
        if (IsFrozen) return;
        _frozenByType = _byType.ToFrozenDictionary();
        _frozenByKind = _byKind.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <exception cref="UnknownMessageException">No codec for the message's type.</exception>
    public IMessageCodec CodecFor(object message)
    {
        ArgumentNullException.ThrowIfNull(message);
        IMessageCodec? codec = _frozenByType is { } f ? f.GetValueOrDefault(message.GetType()) : _byType.GetValueOrDefault(message.GetType());
        return codec ?? throw new UnknownMessageException(
            $"no codec registered for message type {message.GetType().FullName}; register one in the MessageRegistry");
    }

    /// <exception cref="UnknownMessageException">The kind is not registered.</exception>
    public IMessageCodec CodecFor(string kind)
    {
        IMessageCodec? codec = _frozenByKind is { } f ? f.GetValueOrDefault(kind) : _byKind.GetValueOrDefault(kind);
        return codec ?? throw new UnknownMessageException($"unknown message kind '{Printable(kind)}'");
    }

    /// <summary>Writes <c>[kind, session, ...fields]</c>; returns the codec it used.</summary>
    public IMessageCodec Write(ref MessagePackWriter writer, object message, SessionId session)
    {
        IMessageCodec codec = CodecFor(message);
        writer.WriteArrayHeader(2 + codec.FieldCount);
        writer.WriteString(codec.Kind);
        writer.WriteUInt64(session.Value);
        long before = writer.BytesWritten;
        codec.Write(ref writer, message);
        if (writer.BytesWritten == before && codec.FieldCount > 0)
            throw new InvalidOperationException($"codec '{codec.Kind}' wrote nothing but declares {codec.FieldCount} fields");
        return codec;
    }

    /// <summary>
    /// Reads the head of <c>[kind, session, ...fields]</c>: the codec and the session.
    /// <paramref name="seen"/> gets the kind and session as soon as both are read, before the kind is looked
    /// up, so a caller can still fail the right session when the kind is unknown.
    /// </summary>
    /// <exception cref="MessagePackException">Not such an array, or a field count that does not match the kind.</exception>
    /// <exception cref="UnknownMessageException">An unregistered kind.</exception>
    public (IMessageCodec Codec, SessionId Session) ReadHead(ref MessagePackReader reader, Action<string, SessionId>? seen = null)
    {
        long at = reader.Consumed;
        int count = reader.ReadArrayHeader();
        if (count < 2)
            throw new MessagePackException(at, $"a message is [kind, session, ...fields]; got an array of {count}");
        string kind = reader.ReadString();
        var session = new SessionId(reader.ReadUInt64());
        seen?.Invoke(kind, session);
        IMessageCodec codec = CodecFor(kind);
        if (count != 2 + codec.FieldCount)
            throw new MessagePackException(at, $"message kind '{kind}' has {codec.FieldCount} fields, the frame has {count - 2}");
        return (codec, session);
    }

    internal static void ValidateKind(string kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        if (kind.Length is 0 or > 64 || kind.Any(c => c is < '!' or > '~'))
            throw new ArgumentException($"message kind '{Printable(kind)}' must be 1..64 printable ASCII characters without spaces", nameof(kind));
    }

    private static string Printable(string s) =>
        s.Length > 64 ? string.Concat(s.AsSpan(0, 64), "…") : new string(s.Select(c => char.IsControl(c) ? '?' : c).ToArray());
}

/// <summary>A message kind or type the registry does not know.</summary>
public sealed class UnknownMessageException(string message) : Exception(message);
