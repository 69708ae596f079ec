using System.Buffers;
using System.Buffers.Binary;
using System.Collections;
using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;

namespace Factorizer.Pickle;

/// <summary>
/// The pickling engine: the WRITE subset of docs/protocol.md §5.3. Protocol 3 (every CPython
/// 3.x reads it) or 4 (adds SHORT_BINUNICODE and the set opcodes); no FRAME and no memo, both optional
/// for readers. Integers get CPython's smallest encoding, so our bytes match <c>pickle.dumps</c> where
/// the opcode choice is the same.
/// </summary>
internal sealed class PickleWriter
{
    /// <summary>Deepest nesting written; beyond it the value is refused rather than overflow the stack.</summary>
    public const int MaxDepth = 1000;

    // Items per APPENDS/SETITEMS batch, as CPython writes them.
    private const int BatchSize = 1000;

    private readonly ArrayBufferWriter<byte> _out = new();
    private readonly int _protocol;

    // Containers being written right now: one met again contains itself (no memo to express that).
    private readonly HashSet<object> _open = new(ReferenceEqualityComparer.Instance);

    private PickleWriter(int protocol) => _protocol = protocol;

    /// <summary>Pickles <paramref name="value"/> with protocol 3 or 4.</summary>
    public static byte[] Write(object? value, int protocol)
    {
        if (protocol is not (3 or 4))
        {
            throw new ArgumentOutOfRangeException(nameof(protocol), protocol, "only protocols 3 and 4 are written");
        }
        var writer = new PickleWriter(protocol);
        writer.Op(Opcodes.Proto);
        writer.Byte((byte)protocol);
        writer.Value(value, depth: 0);
        writer.Op(Opcodes.Stop);
        return writer._out.WrittenSpan.ToArray();
    }

    private void Value(object? value, int depth)
    {
        if (TryScalar(value))
        {
            return;
        }
        if (depth >= MaxDepth)
        {
            throw new PicklingException($"cannot pickle a value nested more than {MaxDepth} deep");
        }
        if (!_open.Add(value!))
        {
            throw new PicklingException($"cannot pickle a {value!.GetType().Name} that contains itself");
        }
        Container(value!, depth + 1);
        _open.Remove(value!);
    }

    private bool TryScalar(object? value)
    {
        switch (value)
        {
            case null: Op(Opcodes.None); return true;
            case bool b: Op(b ? Opcodes.NewTrue : Opcodes.NewFalse); return true;
            case double d: Float(d); return true;
            case float f: Float(f); return true;
            case Half h: Float((double)h); return true;
            case string s: Text(s); return true;
            case byte[] bytes: Bytes(bytes); return true;
            case ReadOnlyMemory<byte> memory: Bytes(memory.Span); return true;
            case Memory<byte> memory: Bytes(memory.Span); return true;
            case ArraySegment<byte> segment: Bytes(segment); return true;
            case PyGlobal global: Global(global.Module, global.Name); return true;
            case Complex c: ComplexNumber(c); return true;
            default: return TryInteger(value);
        }
    }

    private void Container(object value, int depth)
    {
        switch (value)
        {
            case PyTuple tuple: Tuple(tuple, depth); break;
            case PyObject inert: Inert(inert, depth); break;
            case IPyReducible reducible: Reduction(reducible.ToReduction(), depth); break;
            case ITuple tuple: Tuple(Enumerable.Range(0, tuple.Length).Select(i => tuple[i]).ToList(), depth); break;
            case IDictionary dict: Dict(Entries(dict), depth); break;
            case IReadOnlyDictionary<object, object?> dict: Dict(dict.Select(e => (e.Key, e.Value)), depth); break;
            case IList list: List(list.Cast<object?>(), depth); break;
            case IEnumerable items when SetKind(value.GetType()) is { } frozen: Set(items.Cast<object?>().ToList(), frozen, depth); break;
            default: throw new PicklingException($"cannot pickle a value of type {value.GetType()}");
        }
    }

    private bool TryInteger(object? value)
    {
        switch (value)
        {
            case long v: Integer(v); return true;
            case int v: Integer(v); return true;
            case short v: Integer(v); return true;
            case sbyte v: Integer(v); return true;
            case byte v: Integer(v); return true;
            case ushort v: Integer(v); return true;
            case uint v: Integer(v); return true;
            case nint v: Integer(v); return true;
            case ulong v: BigInteger(v); return true;
            case nuint v: BigInteger(v); return true;
            case Int128 v: BigInteger(v); return true;
            case UInt128 v: BigInteger(v); return true;
            case BigInteger v: BigInteger(v); return true;
            default: return false;
        }
    }

    private void Integer(long v)
    {
        if (v is >= 0 and <= byte.MaxValue)
        {
            Op(Opcodes.BinInt1);
            Byte((byte)v);
        }
        else if (v is >= 0 and <= ushort.MaxValue)
        {
            Op(Opcodes.BinInt2);
            BinaryPrimitives.WriteUInt16LittleEndian(Span(2), (ushort)v);
        }
        else if (v is >= int.MinValue and <= int.MaxValue)
        {
            Op(Opcodes.BinInt);
            BinaryPrimitives.WriteInt32LittleEndian(Span(4), (int)v);
        }
        else
        {
            BigInteger(v);
        }
    }

    // ToByteArray gives the minimal two's-complement little-endian form, which is CPython's encode_long.
    private void BigInteger(BigInteger v)
    {
        if (v >= int.MinValue && v <= int.MaxValue)
        {
            Integer((long)v);
            return;
        }
        byte[] bytes = v.ToByteArray();
        if (bytes.Length <= byte.MaxValue)
        {
            Op(Opcodes.Long1);
            Byte((byte)bytes.Length);
        }
        else
        {
            Op(Opcodes.Long4);
            BinaryPrimitives.WriteInt32LittleEndian(Span(4), bytes.Length);
        }
        Raw(bytes);
    }

    private void Float(double d)
    {
        Op(Opcodes.BinFloat);
        // .NET's NaN has the sign bit set; write CPython's float('nan') (7ff8...) so the bytes match.
        BinaryPrimitives.WriteDoubleBigEndian(Span(8), double.IsNaN(d) ? BitConverter.Int64BitsToDouble(0x7FF8_0000_0000_0000) : d);
    }

    private void Text(string s)
    {
        byte[] utf8 = PyUtf8.Encode(s);
        if (_protocol >= 4 && utf8.Length <= byte.MaxValue)
        {
            Op(Opcodes.ShortBinUnicode);
            Byte((byte)utf8.Length);
        }
        else
        {
            Op(Opcodes.BinUnicode);
            BinaryPrimitives.WriteUInt32LittleEndian(Span(4), (uint)utf8.Length);
        }
        Raw(utf8);
    }

    private void Bytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length <= byte.MaxValue)
        {
            Op(Opcodes.ShortBinBytes);
            Byte((byte)bytes.Length);
        }
        else
        {
            Op(Opcodes.BinBytes);
            BinaryPrimitives.WriteUInt32LittleEndian(Span(4), (uint)bytes.Length);
        }
        Raw(bytes);
    }

    private void Tuple(IReadOnlyList<object?> items, int depth)
    {
        if (items.Count == 0)
        {
            Op(Opcodes.EmptyTuple);
            return;
        }
        if (items.Count > 3)
        {
            Op(Opcodes.Mark);
        }
        foreach (object? item in items)
        {
            Value(item, depth);
        }
        Op(items.Count switch { 1 => Opcodes.Tuple1, 2 => Opcodes.Tuple2, 3 => Opcodes.Tuple3, _ => Opcodes.Tuple });
    }

    private void List(IEnumerable<object?> items, int depth)
    {
        Op(Opcodes.EmptyList);
        Batched(items, Opcodes.Appends, depth);
    }

    /// <summary>
    /// Writes items as MARK … <paramref name="closer"/> batches of at most 1000, as CPython does.
    /// Counts as it goes (no buffering): collections here are written far more often than they are big.
    /// </summary>
    private void Batched(IEnumerable<object?> items, byte closer, int depth)
    {
        int inBatch = 0;
        foreach (object? item in items)
        {
            if (inBatch == 0)
            {
                Op(Opcodes.Mark);
            }
            Value(item, depth);
            if (++inBatch == BatchSize)
            {
                Op(closer);
                inBatch = 0;
            }
        }
        if (inBatch > 0)
        {
            Op(closer);
        }
    }

    // IEnumerable.GetEnumerator of a generic Dictionary yields KeyValuePairs; only the
    // IDictionaryEnumerator gives DictionaryEntry for every IDictionary.
    private static IEnumerable<(object Key, object? Value)> Entries(IDictionary dict)
    {
        IDictionaryEnumerator e = dict.GetEnumerator();
        while (e.MoveNext())
        {
            yield return (e.Key, e.Value);
        }
    }

    private void Dict(IEnumerable<(object Key, object? Value)> pairs, int depth)
    {
        Op(Opcodes.EmptyDict);
        SetItems(pairs, depth);
    }

    private void SetItems(IEnumerable<(object Key, object? Value)> pairs, int depth)
    {
        int inBatch = 0;
        foreach ((object key, object? item) in pairs)
        {
            if (inBatch == 0)
            {
                Op(Opcodes.Mark);
            }
            Value(key, depth);
            Value(item, depth);
            if (++inBatch == BatchSize)
            {
                Op(Opcodes.SetItems);
                inBatch = 0;
            }
        }
        if (inBatch > 0)
        {
            Op(Opcodes.SetItems);
        }
    }

    // Protocol 3 has no set opcodes: builtins.set([items]) via REDUCE, as CPython does for protocol 2.
    // An empty frozenset takes that form in protocol 4 too, like tools/minimal_writer.py.
    private void Set(List<object?> items, bool frozen, int depth)
    {
        if (_protocol < 4 || (frozen && items.Count == 0))
        {
            Global("builtins", frozen ? "frozenset" : "set");
            List(items, depth);
            Op(Opcodes.Tuple1);
            Op(Opcodes.Reduce);
            return;
        }
        if (!frozen)
        {
            Op(Opcodes.EmptySet);
        }
        if (frozen)
        {
            // FROZENSET builds one frozenset from everything above the mark: never split it into batches.
            Op(Opcodes.Mark);
            foreach (object? item in items)
            {
                Value(item, depth);
            }
            Op(Opcodes.FrozenSet);
            return;
        }
        Batched(items, Opcodes.AddItems, depth);
    }

    private void Reduction(PyReduction reduction, int depth)
    {
        Global(reduction.Module, reduction.Name);
        Tuple(reduction.Args, depth);
        Op(reduction.UseNewObj ? Opcodes.NewObj : Opcodes.Reduce);
        if (reduction.State is not null)
        {
            Value(reduction.State, depth);
            Op(Opcodes.Build);
        }
    }

    // As CPython writes it (complex has __getnewargs__): complex.__new__(complex, real, imag).
    private void ComplexNumber(Complex c)
    {
        Global("builtins", "complex");
        Float(c.Real);
        Float(c.Imaginary);
        Op(Opcodes.Tuple2);
        Op(Opcodes.NewObj);
    }

    /// <summary>
    /// An inert object, in the order CPython's save_reduce writes it: the global, the arguments, the call,
    /// list items (APPENDS), dict items (SETITEMS), then the state and BUILD.
    /// </summary>
    private void Inert(PyObject inert, int depth)
    {
        Global(inert.Module, inert.Name);
        Tuple(inert.Args, depth);
        switch (inert.Call)
        {
            case PyObjectCall.Reduce:
                Op(Opcodes.Reduce);
                break;
            case PyObjectCall.NewObj:
                Op(Opcodes.NewObj);
                break;
            default:
                // NEWOBJ_EX is a protocol 4 opcode, but every CPython 3.4+ unpickler reads it in any protocol.
                Dict(inert.Kwargs!.Select(e => (e.Key, e.Value)), depth);
                Op(Opcodes.NewObjEx);
                break;
        }
        if (inert.HasListItems)
        {
            Batched(inert.ListItems, Opcodes.Appends, depth);
        }
        if (inert.HasDictItems)
        {
            SetItems(inert.DictItems.Select(e => (e.Key, e.Value)), depth);
        }
        if (inert.HasState)
        {
            Value(inert.State, depth);
            Op(Opcodes.Build);
        }
    }

    private void Global(string module, string name)
    {
        if (module.Contains('\n', StringComparison.Ordinal) || name.Contains('\n', StringComparison.Ordinal))
        {
            throw new PicklingException($"a global name cannot contain a newline: {module}.{name}");
        }
        Op(Opcodes.Global);
        Raw(Encoding.UTF8.GetBytes($"{module}\n{name}\n"));
    }

    /// <summary>Null when <paramref name="type"/> is no set; otherwise whether it is a frozenset.</summary>
    private static bool? SetKind(Type type)
    {
        bool frozen = false;
        bool set = false;
        foreach (Type i in type.GetInterfaces())
        {
            if (!i.IsGenericType)
            {
                continue;
            }
            Type definition = i.GetGenericTypeDefinition();
            set |= definition == typeof(ISet<>) || definition == typeof(IReadOnlySet<>);
            frozen |= definition == typeof(IImmutableSet<>);
        }
        for (Type? t = type; t is not null; t = t.BaseType)
        {
            frozen |= t.IsGenericType && t.GetGenericTypeDefinition() == typeof(FrozenSet<>);
        }
        return set || frozen ? frozen : null;
    }

    private void Op(byte opcode) => Byte(opcode);

    private void Byte(byte b)
    {
        _out.GetSpan(1)[0] = b;
        _out.Advance(1);
    }

    private Span<byte> Span(int length)
    {
        Span<byte> span = _out.GetSpan(length)[..length];
        _out.Advance(length);
        return span;
    }

    private void Raw(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Span(bytes.Length));
}
