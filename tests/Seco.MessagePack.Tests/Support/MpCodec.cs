namespace Seco.MessagePack.Tests.Support;

/// <summary>Writes and reads <see cref="MpValue"/> trees with the codec under test.</summary>
public static class MpCodec
{
    public static byte[] Encode(MpValue value) => Mp.Encode((ref MessagePackWriter w) => Write(ref w, value));

    public static MpValue Decode(byte[] bytes, MessagePackReaderOptions? options = null)
    {
        var reader = new MessagePackReader(bytes, options);
        MpValue value = Read(ref reader);
        reader.EnsureEnd();
        Assert.Equal(0, reader.Depth);
        return value;
    }

    public static void Write(ref MessagePackWriter writer, MpValue value)
    {
        switch (value)
        {
            case MpNil:
                writer.WriteNil();
                break;
            case MpBool b:
                writer.Write(b.Value);
                break;
            case MpInt i when i.Value < 0:
                writer.WriteInt64((long)i.Value);
                break;
            case MpInt i:
                writer.WriteUInt64((ulong)i.Value);
                break;
            case MpFloat32 f:
                writer.WriteSingle(f.Value);
                break;
            case MpFloat64 d:
                writer.WriteDouble(d.Value);
                break;
            case MpStr s:
                writer.WriteString(s.Value);
                break;
            case MpBin bin:
                writer.WriteBinary(bin.Value);
                break;
            case MpArray a:
                writer.WriteArrayHeader(a.Items.Length);
                foreach (MpValue item in a.Items)
                {
                    Write(ref writer, item);
                }
                break;
            case MpMap m:
                writer.WriteMapHeader(m.Entries.Length);
                foreach ((MpValue k, MpValue v) in m.Entries)
                {
                    Write(ref writer, k);
                    Write(ref writer, v);
                }
                break;
            case MpExt e:
                writer.WriteExtension(e.Type, e.Data);
                break;
            case MpTimestamp t:
                writer.WriteTimestamp(t.Seconds, t.Nanoseconds);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(value), value, "unknown test value");
        }
    }

    /// <summary>Generic recursive decode; the reader's automatic depth tracking bounds the recursion.</summary>
    public static MpValue Read(ref MessagePackReader reader)
    {
        switch (reader.PeekType())
        {
            case MessagePackType.Nil:
                reader.ReadNil();
                return MpNil.Instance;
            case MessagePackType.Boolean:
                return new MpBool(reader.ReadBoolean());
            case MessagePackType.Integer:
                return reader.TryReadInt64(out long l) ? new MpInt(l) : new MpInt(reader.ReadUInt64());
            case MessagePackType.Float:
                return reader.PeekCode() == MessagePackCode.Float32
                    ? new MpFloat32(reader.ReadSingle())
                    : new MpFloat64(reader.ReadDouble());
            case MessagePackType.String:
                return new MpStr(reader.ReadString());
            case MessagePackType.Binary:
                return new MpBin(reader.ReadBinary().ToArray());
            case MessagePackType.Array:
                var items = new MpValue[reader.ReadArrayHeader()];
                for (int i = 0; i < items.Length; i++)
                {
                    items[i] = Read(ref reader);
                }
                return new MpArray(items);
            case MessagePackType.Map:
                var entries = new (MpValue, MpValue)[reader.ReadMapHeader()];
                for (int i = 0; i < entries.Length; i++)
                {
                    MpValue key = Read(ref reader);
                    entries[i] = (key, Read(ref reader));
                }
                return new MpMap(entries);
            case MessagePackType.Extension:
                if (reader.PeekExtensionHeader().TypeCode == MessagePackCode.TimestampExtensionType)
                {
                    MessagePackTimestamp t = reader.ReadTimestamp();
                    return new MpTimestamp(t.Seconds, t.Nanoseconds);
                }
                MessagePackExtension ext = reader.ReadExtension();
                return new MpExt(ext.TypeCode, ext.Data.ToArray());
            default:
                throw new InvalidOperationException("PeekType never returns Unknown");
        }
    }
}
