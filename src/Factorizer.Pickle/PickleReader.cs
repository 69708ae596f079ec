using System.Buffers.Binary;
using System.Collections.Frozen;
using System.Numerics;

namespace Factorizer.Pickle;

/// <summary>
/// The unpickling engine: one instance per pickle. It runs the opcodes of docs/protocol.md
/// §5.2 on a stack, builds only the value model of <see cref="PyPickle"/>, and hands every global to its
/// whitelisted <see cref="PyClass"/> instead of resolving or calling anything. Limits come from
/// <see cref="PickleReadOptions"/>; every malformed input ends in an <see cref="UnpicklingException"/>.
/// </summary>
internal sealed class PickleReader
{
    private const int HighestProtocol = 5;

    // Boxed once: True/False are pushed often and never mutated.
    private static readonly object True = true;
    private static readonly object False = false;

    private readonly PickleReadOptions _options;
    private readonly List<object?> _stack = [];
    private readonly List<int> _marks = [];
    private readonly Dictionary<uint, object?> _memo = [];

    // Nesting depth of every container built so far (by reference; scalars are depth 0), so a deep
    // structure is refused while it is built instead of overflowing the stack of whoever walks it later.
    private readonly Dictionary<object, int> _depths = new(ReferenceEqualityComparer.Instance);

    // Mutable containers (and class instances) already put inside another: if one of them deepens later,
    // its parents' counts are stale and the finished value is measured again (DepthCheck).
    private readonly HashSet<object> _placed = new(ReferenceEqualityComparer.Instance);
    private bool _depthsStale;

    // Which whitelisted class made each instance, for BUILD, and the memo slots that hold such an
    // instance, so a BUILD that returns a new object can replace it there without scanning the memo.
    private readonly Dictionary<object, PyClass> _madeBy = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<object, List<uint>> _memoSlotsOf = new(ReferenceEqualityComparer.Instance);

    private int _protocol;
    private byte _opcode;
    private int _opcodeOffset;
    private bool _used;

    public PickleReader(PickleReadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <summary>Reads one pickle; bytes after STOP are ignored, as CPython does.</summary>
    public object? Read(ReadOnlySpan<byte> data)
    {
        if (_used)
        {
            throw new InvalidOperationException("a PickleReader reads one pickle only");
        }
        _used = true;
        var input = new PickleInput(data);
        while (true)
        {
            if (input.Remaining == 0)
            {
                throw new TruncatedPickleException(data.IsEmpty ? "pickle data was empty" : "pickle data was truncated: it ends before STOP");
            }
            _opcodeOffset = input.Position;
            _opcode = input.ReadByte();
            if (_opcode == Opcodes.Stop)
            {
                return LoadStop();
            }
            Execute(ref input);
        }
    }

    private void Execute(ref PickleInput input)
    {
        switch (_opcode)
        {
            case Opcodes.Proto: LoadProto(ref input); break;
            case Opcodes.Frame: LoadFrame(ref input); break;
            case Opcodes.Mark: LoadMark(); break;
            case Opcodes.Pop: LoadPop(); break;
            case Opcodes.PopMark: PopToMark(); break;
            case Opcodes.Dup: Push(Peek()); break;
            case Opcodes.None: Push(null); break;
            case Opcodes.NewTrue: Push(True); break;
            case Opcodes.NewFalse: Push(False); break;
            case Opcodes.BinInt1: Push((long)input.ReadByte()); break;
            case Opcodes.BinInt2: Push((long)input.ReadUInt16()); break;
            case Opcodes.BinInt: Push((long)input.ReadInt32()); break;
            case Opcodes.Long1: LoadLong1(ref input); break;
            case Opcodes.Long4: LoadLong4(ref input); break;
            case Opcodes.BinFloat: Push(input.ReadDoubleBigEndian()); break;
            case Opcodes.ShortBinUnicode: LoadUnicode(ref input, input.ReadByte()); break;
            case Opcodes.BinUnicode: LoadUnicode(ref input, input.ReadUInt32()); break;
            case Opcodes.BinUnicode8: LoadUnicode(ref input, input.ReadUInt64()); break;
            case Opcodes.ShortBinBytes: LoadBytes(ref input, input.ReadByte()); break;
            case Opcodes.BinBytes: LoadBytes(ref input, input.ReadUInt32()); break;
            case Opcodes.BinBytes8: LoadBytes(ref input, input.ReadUInt64()); break;
            case Opcodes.ByteArray8: LoadBytes(ref input, input.ReadUInt64()); break;
            case Opcodes.EmptyTuple: Push(PyTuple.Empty); break;
            case Opcodes.Tuple1: LoadTuple(PopItems(1)); break;
            case Opcodes.Tuple2: LoadTuple(PopItems(2)); break;
            case Opcodes.Tuple3: LoadTuple(PopItems(3)); break;
            case Opcodes.Tuple: LoadTuple(PopToMark()); break;
            case Opcodes.EmptyList: LoadList([]); break;
            case Opcodes.List: LoadList(PopToMark()); break;
            case Opcodes.Append: LoadAppends([Pop()]); break;
            case Opcodes.Appends: LoadAppends(PopToMark()); break;
            case Opcodes.EmptyDict: LoadDict([]); break;
            case Opcodes.Dict: LoadDict(PopToMark()); break;
            case Opcodes.SetItem: LoadSetItems(PopItems(2)); break;
            case Opcodes.SetItems: LoadSetItems(PopToMark()); break;
            case Opcodes.EmptySet: Push(Register(PyValues.NewSet(), 1)); break;
            case Opcodes.AddItems: LoadAddItems(PopToMark()); break;
            case Opcodes.FrozenSet: LoadFrozenSet(PopToMark()); break;
            case Opcodes.Memoize: LoadPut((uint)_memo.Count); break;
            case Opcodes.BinPut: LoadPut(input.ReadByte()); break;
            case Opcodes.LongBinPut: LoadPut(input.ReadUInt32()); break;
            case Opcodes.BinGet: LoadGet(input.ReadByte()); break;
            case Opcodes.LongBinGet: LoadGet(input.ReadUInt32()); break;
            case Opcodes.Global: LoadGlobal(ref input); break;
            case Opcodes.StackGlobal: LoadStackGlobal(); break;
            case Opcodes.Reduce: LoadReduce(); break;
            case Opcodes.NewObj: LoadNewObj(); break;
            case Opcodes.NewObjEx: LoadNewObjEx(); break;
            case Opcodes.Build: LoadBuild(); break;
            case Opcodes.Int or Opcodes.Long or Opcodes.String or Opcodes.BinString or Opcodes.ShortBinString
                or Opcodes.Unicode or Opcodes.Float or Opcodes.Get or Opcodes.Put:
                throw Fail($"opcode {Opcodes.NameOf(_opcode)} is a protocol 0/1 form that CPython 3 peers never send; refused");
            case Opcodes.Inst or Opcodes.Obj:
                throw new ForbiddenGlobalException($"opcode {Opcodes.NameOf(_opcode)} instantiates an arbitrary class; refused (offset {_opcodeOffset})");
            case Opcodes.PersId or Opcodes.BinPersId or Opcodes.Ext1 or Opcodes.Ext2
                or Opcodes.Ext4 or Opcodes.NextBuffer or Opcodes.ReadOnlyBuffer:
                throw Fail($"opcode {Opcodes.NameOf(_opcode)} is not supported by this reader; refused");
            default:
                throw Fail($"invalid load key 0x{_opcode:x2}: not a pickle opcode");
        }
    }

    private object? LoadStop()
    {
        object? result = Pop();
        if (_depthsStale)
        {
            Guard(() => { DepthCheck.Verify(result, _options.MaxDepth); return 0; });
        }
        return result;
    }

    private void LoadProto(ref PickleInput input)
    {
        int protocol = input.ReadByte();
        if (protocol > HighestProtocol)
        {
            throw Fail($"unsupported pickle protocol: {protocol}");
        }
        _protocol = protocol;
    }

    // FRAME only says how much follows; the contents are read inline. A frame longer than the data
    // is a truncated pickle (CPython: "pickle data was truncated").
    private static void LoadFrame(ref PickleInput input)
    {
        ulong length = input.ReadUInt64();
        if (length > (ulong)input.Remaining)
        {
            throw new TruncatedPickleException($"pickle data was truncated: FRAME declares {length} bytes, {input.Remaining} left");
        }
    }

    private void LoadMark()
    {
        if (_marks.Count >= _options.MaxDepth)
        {
            throw Fail($"more than {_options.MaxDepth} nested MARKs (MaxDepth)");
        }
        _marks.Add(_stack.Count);
    }

    // POP discards the mark itself when the mark is on top (CPython does the same).
    private void LoadPop()
    {
        if (_marks.Count > 0 && _marks[^1] == _stack.Count)
        {
            _marks.RemoveAt(_marks.Count - 1);
        }
        else
        {
            Pop();
        }
    }

    private void LoadLong1(ref PickleInput input) => Push(ToInteger(input.Take(input.ReadByte())));

    private void LoadLong4(ref PickleInput input)
    {
        int length = input.ReadInt32();
        if (length < 0)
        {
            throw Fail($"negative byte count {length}");
        }
        Push(ToInteger(input.Take((ulong)length)));
    }

    /// <summary>Two's-complement little-endian bytes to long, or BigInteger beyond the long range.</summary>
    private static object ToInteger(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length <= 8)
        {
            Span<byte> buffer = stackalloc byte[8];
            buffer.Fill(bytes.Length > 0 && (sbyte)bytes[^1] < 0 ? (byte)0xFF : (byte)0);
            bytes.CopyTo(buffer);
            return BinaryPrimitives.ReadInt64LittleEndian(buffer);
        }
        var big = new BigInteger(bytes, isUnsigned: false, isBigEndian: false);
        return big >= long.MinValue && big <= long.MaxValue ? (object)(long)big : big;
    }

    private void LoadUnicode(ref PickleInput input, ulong length) => Push(PyUtf8.Decode(input.Take(length)));

    private void LoadBytes(ref PickleInput input, ulong length) => Push(input.Take(length).ToArray());

    private void LoadTuple(object?[] items) => Push(Register(PyTuple.Adopt(items), DepthOfItems(items)));

    private void LoadList(object?[] items)
    {
        CheckCount(items.Length, "list");
        Push(Register(new List<object?>(items), DepthOfItems(items)));
    }

    private void LoadAppends(object?[] items)
    {
        object? target = Peek();
        if (target is not List<object?> list)
        {
            throw Fail($"cannot append to a {PyValues.TypeName(target)}");
        }
        CheckCount(list.Count + items.Length, "list");
        list.AddRange(items);
        Deepen(list, DepthOfItems(items));
    }

    private void LoadDict(object?[] items)
    {
        var dict = PyValues.NewDict();
        Register(dict, 1);
        AddPairs(dict, items);
        Push(dict);
    }

    private void LoadSetItems(object?[] items)
    {
        object? target = Peek();
        if (target is not Dictionary<object, object?> dict)
        {
            throw Fail($"cannot set items on a {PyValues.TypeName(target)}");
        }
        AddPairs(dict, items);
    }

    private void AddPairs(Dictionary<object, object?> dict, object?[] items)
    {
        if (items.Length % 2 != 0)
        {
            throw Fail("odd number of items for a dict");
        }
        for (int i = 0; i < items.Length; i += 2)
        {
            dict[RequireKey(items[i], "dict key")] = items[i + 1];
        }
        CheckCount(dict.Count, "dict");
        Deepen(dict, DepthOfItems(items));
    }

    private void LoadAddItems(object?[] items)
    {
        object? target = Peek();
        if (target is not HashSet<object> set)
        {
            throw Fail($"cannot add items to a {PyValues.TypeName(target)}");
        }
        foreach (object? item in items)
        {
            set.Add(RequireKey(item, "set member"));
        }
        CheckCount(set.Count, "set");
        Deepen(set, DepthOfItems(items));
    }

    private void LoadFrozenSet(object?[] items)
    {
        CheckCount(items.Length, "frozenset");
        FrozenSet<object> set = Guard(() => PyValues.NewFrozenSet(items));
        Push(Register(set, DepthOfItems(items)));
    }

    private void LoadPut(uint index)
    {
        object? value = Peek();
        if (!_memo.ContainsKey(index) && _memo.Count >= _options.MaxMemo)
        {
            throw Fail($"memo would exceed {_options.MaxMemo} entries (MaxMemo)");
        }
        _memo[index] = value;
        if (value is not null && _madeBy.ContainsKey(value))
        {
            if (!_memoSlotsOf.TryGetValue(value, out List<uint>? slots))
            {
                _memoSlotsOf[value] = slots = [];
            }
            slots.Add(index);
        }
    }

    private void LoadGet(uint index)
    {
        if (!_memo.TryGetValue(index, out object? value))
        {
            throw Fail($"memo key {index} not found");
        }
        Push(value);
    }

    private void LoadGlobal(ref PickleInput input)
    {
        string module = DecodeLine(input.ReadLine());
        string name = DecodeLine(input.ReadLine());
        PushGlobal(module, name);
    }

    private string DecodeLine(ReadOnlySpan<byte> line)
    {
        try
        {
            return PyUtf8.Decode(line);
        }
        catch (UnpicklingException e)
        {
            throw Fail("GLOBAL: " + e.Message, e);
        }
    }

    private void LoadStackGlobal()
    {
        object? name = Pop();
        object? module = Pop();
        if (module is not string m || name is not string n)
        {
            throw Fail($"STACK_GLOBAL needs two str, got {PyValues.TypeName(module)} and {PyValues.TypeName(name)}");
        }
        PushGlobal(m, n);
    }

    private void PushGlobal(string module, string name)
    {
        if (_protocol <= 2)
        {
            module = MapPython2Module(module);
        }
        if (!_options.Globals.TryGet(module, name, out PyClass pyClass))
        {
            throw new ForbiddenGlobalException($"pickle refers to global '{module}.{name}', which is not on the whitelist; refused (opcode {Opcodes.NameOf(_opcode)} at offset {_opcodeOffset})");
        }
        Push(new PyGlobal(module, name, pyClass));
    }

    // Python 3 writes these Python 2 names for protocol <= 2 (fix_imports); CPython maps them back.
    private static string MapPython2Module(string module) => module switch
    {
        "__builtin__" or "exceptions" => "builtins",
        "Queue" => "queue",
        "copy_reg" => "copyreg",
        _ => module,
    };

    private void LoadReduce()
    {
        object? args = Pop();
        PyGlobal global = RequireGlobal(Pop());
        PyTuple tuple = RequireTuple(args, "REDUCE arguments");
        object? result = Guard(() => global.Class!.Reduce(tuple));
        Push(Track(result, global.Class!, DepthOf(tuple) + 1));
    }

    private void LoadNewObj()
    {
        object? args = Pop();
        PyGlobal global = RequireGlobal(Pop());
        PyTuple tuple = RequireTuple(args, "NEWOBJ arguments");
        object? result = Guard(() => global.Class!.NewObject(tuple, null));
        Push(Track(result, global.Class!, DepthOf(tuple) + 1));
    }

    private void LoadNewObjEx()
    {
        object? kwargs = Pop();
        object? args = Pop();
        PyGlobal global = RequireGlobal(Pop());
        PyTuple tuple = RequireTuple(args, "NEWOBJ_EX arguments");
        if (kwargs is not Dictionary<object, object?> dict)
        {
            throw Fail($"NEWOBJ_EX keyword arguments must be a dict, got {PyValues.TypeName(kwargs)}");
        }
        object? result = Guard(() => global.Class!.NewObject(tuple, dict));
        Push(Track(result, global.Class!, Math.Max(DepthOf(tuple), Place(dict)) + 1));
    }

    private void LoadBuild()
    {
        object? state = Pop();
        object? instance = Peek();
        if (instance is null || !_madeBy.TryGetValue(instance, out PyClass? pyClass))
        {
            throw Fail($"BUILD on a {PyValues.TypeName(instance)}, which no whitelisted class made");
        }
        object? built = Guard(() => pyClass.Build(instance, state));
        int depth = Math.Max(DepthOf(instance), Place(state) + 1);
        if (ReferenceEquals(built, instance))
        {
            Deepen(instance, depth);
            return;
        }
        _stack[^1] = Track(built, pyClass, depth);
        ReplaceInMemo(instance, built);
    }

    private void ReplaceInMemo(object old, object? replacement)
    {
        if (!_memoSlotsOf.Remove(old, out List<uint>? slots))
        {
            return;
        }
        List<uint> kept = [];
        foreach (uint slot in slots)
        {
            // A later PUT may have reused the slot for something else.
            if (_memo.TryGetValue(slot, out object? current) && ReferenceEquals(current, old))
            {
                _memo[slot] = replacement;
                kept.Add(slot);
            }
        }
        if (replacement is not null && kept.Count > 0)
        {
            _memoSlotsOf[replacement] = kept;
        }
    }

    private PyGlobal RequireGlobal(object? callable) =>
        callable is PyGlobal { Class: not null } global
            ? global
            : throw Fail($"can only call a whitelisted global, not a {PyValues.TypeName(callable)}");

    private PyTuple RequireTuple(object? value, string role) =>
        value as PyTuple ?? throw Fail($"{role} must be a tuple, got {PyValues.TypeName(value)}");

    private object RequireKey(object? value, string role) => Guard(() => PyValues.RequireKey(value, role));

    /// <summary>Records what a whitelisted class made, so BUILD can find its class later.</summary>
    private object? Track(object? made, PyClass pyClass, int depth)
    {
        if (made is not null)
        {
            _madeBy[made] = pyClass;
            Deepen(made, depth);
        }
        return made;
    }

    /// <summary>
    /// Runs code that may throw for a malformed pickle (a whitelisted class given odd arguments), adding
    /// the opcode and offset, and turning any other exception into an <see cref="UnpicklingException"/>.
    /// </summary>
    private T Guard<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (UnpicklingException e)
        {
            throw Fail(e.Message, e);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw Fail($"{e.GetType().Name}: {e.Message}", e);
        }
    }

    private int Fence => _marks.Count == 0 ? 0 : _marks[^1];

    private void Push(object? value)
    {
        if (_stack.Count >= _options.MaxCollectionItems)
        {
            throw Fail($"stack would exceed {_options.MaxCollectionItems} items (MaxCollectionItems)");
        }
        _stack.Add(value);
    }

    private object? Pop()
    {
        object? value = Peek();
        _stack.RemoveAt(_stack.Count - 1);
        return value;
    }

    // Nothing may be taken from below the topmost mark (CPython's "fence").
    private object? Peek() => _stack.Count > Fence ? _stack[^1] : throw Fail("unpickling stack underflow");

    private object?[] PopItems(int count)
    {
        if (_stack.Count - Fence < count)
        {
            throw Fail("unpickling stack underflow");
        }
        return TakeFrom(_stack.Count - count);
    }

    private object?[] PopToMark()
    {
        if (_marks.Count == 0)
        {
            throw Fail("could not find MARK");
        }
        int start = _marks[^1];
        _marks.RemoveAt(_marks.Count - 1);
        return TakeFrom(start);
    }

    private object?[] TakeFrom(int start)
    {
        object?[] items = _stack.GetRange(start, _stack.Count - start).ToArray();
        _stack.RemoveRange(start, items.Length);
        return items;
    }

    private void CheckCount(int count, string kind)
    {
        if (count > _options.MaxCollectionItems)
        {
            throw Fail($"{kind} would exceed {_options.MaxCollectionItems} items (MaxCollectionItems)");
        }
    }

    private int DepthOf(object? value) => value switch
    {
        null or bool or long or double or string or byte[] or BigInteger => 0,
        _ => _depths.GetValueOrDefault(value),
    };

    // Every caller puts the items inside a new or existing container, so they are "placed" from now on.
    private int DepthOfItems(object?[] items)
    {
        int max = 0;
        foreach (object? item in items)
        {
            max = Math.Max(max, Place(item));
        }
        return max + 1;
    }

    /// <summary>Notes that <paramref name="item"/> now sits inside another value; returns its depth.</summary>
    private int Place(object? item)
    {
        int depth = DepthOf(item);
        if (depth > 0 && item is not (PyTuple or FrozenSet<object>))
        {
            _placed.Add(item!);
        }
        return depth;
    }

    private T Register<T>(T container, int depth) where T : notnull
    {
        Deepen(container, depth);
        return container;
    }

    private void Deepen(object container, int depth)
    {
        if (depth > _options.MaxDepth)
        {
            throw Fail($"containers nested more than {_options.MaxDepth} deep (MaxDepth)");
        }
        int old = _depths.GetValueOrDefault(container);
        if (depth > old)
        {
            _depths[container] = depth;
            _depthsStale |= old > 0 && _placed.Contains(container);
        }
    }

    private UnpicklingException Fail(string message, Exception? inner = null)
    {
        string text = $"{message} (opcode {Opcodes.NameOf(_opcode)} at offset {_opcodeOffset})";
        return inner is null ? new UnpicklingException(text) : new UnpicklingException(text, inner);
    }
}
