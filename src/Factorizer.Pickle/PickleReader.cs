using System.Buffers.Binary;
using System.Collections.Frozen;
using System.Numerics;
using Factorizer.Pickle.Globals;

namespace Factorizer.Pickle;

/// <summary>
/// The unpickling engine: one instance per pickle. It runs the opcodes of docs/protocol.md
/// §5.2 on a stack, builds only the value model of <see cref="PyPickle"/>, and hands every global to its
/// whitelisted <see cref="PyClass"/> (or an inert one, unless denied) instead of resolving or calling anything. Limits come from
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

    // Mutable containers (and class instances) pushed again by GET or DUP. Only these can grow after being put
    // inside another: placing one takes it off the stack, and only the memo or a duplicate brings it back.
    // If one of them deepens, its parents' counts may be stale and the finished value is measured again
    // (DepthCheck). Tracking these rather than every placed container spares a table entry per container.
    private readonly HashSet<object> _reachedAgain = new(ReferenceEqualityComparer.Instance);
    private bool _depthsStale;

    // Which whitelisted class made each instance, for BUILD, and the memo slots that hold such an
    // instance, so a BUILD that returns a new object can replace it there without scanning the memo.
    private readonly Dictionary<object, PyClass> _madeBy = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<object, List<uint>> _memoSlotsOf = new(ReferenceEqualityComparer.Instance);

    // The amplification budget (docs/protocol.md §5.5): estimated bytes of memory this pickle has made the
    // reader allocate, against a budget set by the input length. The costs below are rough but on the high
    // side of what .NET really allocates (arrays that grow by doubling leave their old copies as garbage).
    private const int SlotCost = 8;          // one reference in an array that does not grow
    private const int GrowingSlotCost = 16;  // one reference in a list that grows by doubling
    private const int BoxCost = 24;          // a boxed long or double, an empty string or byte array
    private const int ObjectCost = 64;       // an instance object, a dict or set with its comparer
    private const int ListCost = 32;         // a List or PyTuple object and an array header
    private const int EntryCost = 64;        // an item of a frozenset or of what a whitelisted class builds
    private const int TableEntryCost = 32;   // a hash table entry and bucket, charged when the table doubles
    private long _budget;
    private long _spent;

    // Boxed once: CPython's small ints, which BININT1 carries, are common list items.
    private static readonly object[] SmallInts = [.. Enumerable.Range(0, 256).Select(i => (object)(long)i)];

    // Values each shared reference counts as, for the few values whose reading saw a shared reference:
    // tuples and frozensets (immutable, so exact) whose expansion is more than their own items, and
    // exceptions. Everything else counts as itself plus its items (DepthCheck.Expanded re-measures at STOP).
    private readonly Dictionary<object, long> _expanded = new(ReferenceEqualityComparer.Instance);
    private bool _sharedContainer;

    private int _inputLength;
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
        _budget = _options.BudgetFor(data.Length);
        _inputLength = data.Length;
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
            case Opcodes.Dup: Push(Shared(Peek())); break;
            case Opcodes.None: Push(null); break;
            case Opcodes.NewTrue: Push(True); break;
            case Opcodes.NewFalse: Push(False); break;
            case Opcodes.BinInt1: Push(SmallInts[input.ReadByte()]); break;
            case Opcodes.BinInt2: Push(Box(input.ReadUInt16())); break;
            case Opcodes.BinInt: Push(Box(input.ReadInt32())); break;
            case Opcodes.Long1: LoadLong1(ref input); break;
            case Opcodes.Long4: LoadLong4(ref input); break;
            case Opcodes.BinFloat: Spend(BoxCost); Push(input.ReadDoubleBigEndian()); break;
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
            case Opcodes.EmptySet: Spend(ObjectCost + ObjectCost); Push(Register(PyValues.NewSet(), 1)); break;
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
        if (_sharedContainer)
        {
            // A memo GET or DUP pushed a container again: a writer without a memo, equality and hashing would
            // visit it once per reference, so count it that way (once per distinct node, without recursion).
            Guard(() => { DepthCheck.VerifyExpanded(result, _options.MaxExpandedValues); return 0; });
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

    private void LoadLong1(ref PickleInput input) => Push(ToCountedInteger(input.Take(input.ReadByte())));

    private void LoadLong4(ref PickleInput input)
    {
        int length = input.ReadInt32();
        if (length < 0)
        {
            throw Fail($"negative byte count {length}");
        }
        Push(ToCountedInteger(input.Take((ulong)length)));
    }

    private object Box(long value)
    {
        if (value is >= 0 and < 256)
        {
            return SmallInts[value];
        }
        Spend(BoxCost);
        return value;
    }

    private object ToCountedInteger(ReadOnlySpan<byte> bytes)
    {
        Spend(bytes.Length <= 8 ? BoxCost : BoxCost + ObjectCost + bytes.Length);
        return ToInteger(bytes);
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

    // Take checks the declared length against the bytes left before anything is allocated; a string
    // costs at most two bytes per UTF-8 byte.
    private void LoadUnicode(ref PickleInput input, ulong length)
    {
        ReadOnlySpan<byte> utf8 = input.Take(length);
        Spend(BoxCost + 2L * utf8.Length);
        Push(PyUtf8.Decode(utf8));
    }

    private void LoadBytes(ref PickleInput input, ulong length)
    {
        ReadOnlySpan<byte> bytes = input.Take(length);
        Spend(BoxCost + (long)bytes.Length);
        Push(bytes.ToArray());
    }

    private void LoadTuple(object?[] items)
    {
        Spend(ListCost);
        PyTuple tuple = PyTuple.Adopt(items);
        Push(Register(tuple, DepthOfItems(items)));
        NoteExpanded(tuple, items);
    }

    private void LoadList(object?[] items)
    {
        CheckCount(items.Length, "list");
        Spend(ListCost + (items.Length == 0 ? 0 : ListCost + ((long)SlotCost * items.Length)));
        Push(Register(new List<object?>(items), DepthOfItems(items)));
    }

    private void LoadAppends(object?[] items)
    {
        object? target = Peek();
        List<object?> list = target switch
        {
            List<object?> l => l,
            PyObject inert => inert.ListItems,
            _ => throw Fail($"cannot append to a {PyValues.TypeName(target)}"),
        };
        CheckCount(list.Count + items.Length, "list");
        if (list.Count + items.Length > list.Capacity)
        {
            // The list's array grows (doubling, or to fit): that is the allocation.
            Spend(24 + (SlotCost * Math.Max(list.Count + (long)items.Length, Math.Max(4L, 2L * list.Capacity))));
        }
        list.AddRange(items);
        Deepen(target!, DepthOfItems(items));
    }

    private void LoadDict(object?[] items)
    {
        Spend(ObjectCost + ObjectCost);
        var dict = PyValues.NewDict();
        Register(dict, 1);
        AddPairs(dict, items);
        Push(dict);
    }

    private void LoadSetItems(object?[] items)
    {
        object? target = Peek();
        if (target is PyObject inert)
        {
            // An object's own dict items (OrderedDict, a dict subclass): kept as data, written back as SETITEMS.
            AddPairs(inert.DictItems, items);
            Deepen(inert, DepthOf(inert.DictItems) + 1);
            return;
        }
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
            object key = RequireKey(items[i], "dict key");
            BeforeInsert(dict);
            dict[key] = items[i + 1];
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
            object member = RequireKey(item, "set member");
            BeforeInsert(set);
            set.Add(member);
        }
        CheckCount(set.Count, "set");
        Deepen(set, DepthOfItems(items));
    }

    private void LoadFrozenSet(object?[] items)
    {
        CheckCount(items.Length, "frozenset");
        // A frozen set is built through a HashSet and frozen: several arrays per item, and ~200 bytes even empty.
        Spend((3L * ObjectCost) + (2L * EntryCost * items.Length));
        foreach (object? item in items)
        {
            SpendOnKey(item);
        }
        FrozenSet<object> set = Guard(() => PyValues.NewFrozenSet(items));
        Push(Register(set, DepthOfItems(items)));
        NoteExpanded(set, items);
    }

    private void LoadPut(uint index)
    {
        object? value = Peek();
        if (!_memo.ContainsKey(index))
        {
            if (_memo.Count >= _options.MaxMemo)
            {
                throw Fail($"memo would exceed {_options.MaxMemo} entries (MaxMemo)");
            }
            BeforeInsert(_memo);
        }
        _memo[index] = value;
        if (value is not null && _madeBy.ContainsKey(value))
        {
            if (!_memoSlotsOf.TryGetValue(value, out List<uint>? slots))
            {
                Spend(ObjectCost);
                BeforeInsert(_memoSlotsOf);
                _memoSlotsOf[value] = slots = [];
            }
            Spend(GrowingSlotCost);
            slots.Add(index);
        }
    }

    private void LoadGet(uint index)
    {
        if (!_memo.TryGetValue(index, out object? value))
        {
            throw Fail($"memo key {index} not found");
        }
        Push(Shared(value));
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
            (module, name) = Python2Names.Map(module, name);
            module = MapPython2Module(module);
        }
        if (_options.Globals.TryGet(module, name, out PyClass pyClass))
        {
            Spend(ObjectCost);
            Push(new PyGlobal(module, name, pyClass));
            return;
        }
        if (_options.Denied.IsDenied(module, name))
        {
            throw new ForbiddenGlobalException($"pickle refers to global '{module}.{name}', which is on the denylist (it can run code or commands in a Python that unpickles it); refused (opcode {Opcodes.NameOf(_opcode)} at offset {_opcodeOffset})");
        }
        if (!_options.KeepInert)
        {
            throw new ForbiddenGlobalException($"pickle refers to global '{module}.{name}', which is not on the whitelist; refused (opcode {Opcodes.NameOf(_opcode)} at offset {_opcodeOffset})");
        }
        // Neither whitelisted nor denied: kept inert. Calling it records the call (PyObject); nothing is resolved.
        Spend(3 * ObjectCost);
        Push(new PyGlobal(module, name, new InertClass(new PyGlobal(module, name))));
    }

    // Python 3 writes Python 2 names for protocol <= 2 (fix_imports); CPython maps them back (Python2Names). Every
    // name in Python 2's exceptions module is a builtins one, which this reader always accepted.
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
        Push(Track(result, global.Class!, DepthOf(tuple) + 1, ExpandedSize(tuple)));
    }

    private void LoadNewObj()
    {
        object? args = Pop();
        PyGlobal global = RequireGlobal(Pop());
        PyTuple tuple = RequireTuple(args, "NEWOBJ arguments");
        object? result = Guard(() => global.Class!.NewObject(tuple, null));
        Push(Track(result, global.Class!, DepthOf(tuple) + 1, ExpandedSize(tuple)));
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
        Push(Track(result, global.Class!, Math.Max(DepthOf(tuple), Place(dict)) + 1, Saturating(ExpandedSize(tuple), ExpandedSize(dict))));
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
            if (instance is PyObject)
            {
                // An inert object keeps its state: it now stands for that state's values too.
                long size = Saturating(ExpandedSize(instance), ExpandedSize(state));
                CheckExpanded(size);
                BeforeInsert(_expanded);
                _expanded[instance] = size;
            }
            return;
        }
        _stack[^1] = Track(built, pyClass, depth, Saturating(ExpandedSize(instance), ExpandedSize(state)));
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

    private object RequireKey(object? value, string role)
    {
        SpendOnKey(value);
        return Guard(() => PyValues.RequireKey(value, role));
    }

    /// <summary>
    /// Records what a whitelisted class made, so BUILD can find its class later. <paramref name="inputs"/> is the
    /// expanded size of what it was made from: a class may copy its arguments (a set from a list), so the
    /// result is charged for all of them.
    /// </summary>
    private object? Track(object? made, PyClass pyClass, int depth, long inputs)
    {
        // An inert object holds its arguments as they are; a whitelisted class may copy them.
        Spend(ObjectCost + (pyClass is InertClass ? ObjectCost : Math.Min(inputs, _budget) * EntryCost));
        if (made is not null)
        {
            BeforeInsert(_madeBy);
            _madeBy[made] = pyClass;
            Deepen(made, depth);
            long size = Saturating(1, inputs);
            CheckExpanded(size);
            if (size > 1 && DepthOf(made) > 0)
            {
                BeforeInsert(_expanded);
                _expanded[made] = size;
            }
        }
        return made;
    }

    /// <summary>Charges <paramref name="bytes"/> of estimated memory to this pickle's budget.</summary>
    private void Spend(long bytes)
    {
        _spent += bytes;
        if (_spent > _budget)
        {
            throw Fail($"reading this pickle of {_inputLength} bytes would take more than {_budget} bytes of memory (MaxBytesPerInputByte {_options.MaxBytesPerInputByte})");
        }
    }

    /// <summary>
    /// Charges what using <paramref name="key"/> as a dict key or set member costs beyond its entry: hashing,
    /// comparing and checking it for unhashable parts visits its whole expansion.
    /// </summary>
    private void SpendOnKey(object? key)
    {
        long size = ExpandedSize(key);
        if (size > 1)
        {
            Spend(size);
        }
    }

    /// <summary>Notes a value pushed again by GET or DUP; a container so pushed makes STOP count expansions.</summary>
    private object? Shared(object? value)
    {
        if (DepthOf(value) > 0 || value is PyTuple or FrozenSet<object>)
        {
            _sharedContainer = true;
            if (value is not (PyTuple or FrozenSet<object>) && !_reachedAgain.Contains(value!))
            {
                BeforeInsert(_reachedAgain);
                _reachedAgain.Add(value!);
            }
        }
        return value;
    }

    /// <summary>The values <paramref name="value"/> stands for when every shared reference in it is counted again.</summary>
    private long ExpandedSize(object? value) => value switch
    {
        null or bool or long or double or string or byte[] or BigInteger => 1,
        PyObject p => Saturating(_expanded.TryGetValue(p, out long made) ? made : 1,
            p.HasListItems || p.HasDictItems ? p.ListItems.Count + (2L * p.DictItems.Count) : 0),
        _ when _expanded.TryGetValue(value, out long known) => known,
        PyTuple t => t.Count + 1L,
        FrozenSet<object> f => f.Count + 1L,
        List<object?> l => l.Count + 1L,
        Dictionary<object, object?> d => 2L * d.Count + 1,
        HashSet<object> h => h.Count + 1L,
        _ => 1,
    };

    /// <summary>Records the expanded size of a new immutable container (exact: it never changes).</summary>
    private void NoteExpanded(object container, object?[] items)
    {
        long size = 1;
        foreach (object? item in items)
        {
            size = Saturating(size, ExpandedSize(item));
        }
        CheckExpanded(size);
        if (size > items.Length + 1)
        {
            BeforeInsert(_expanded);
            _expanded[container] = size;
        }
    }

    private void CheckExpanded(long size)
    {
        if (size > _options.MaxExpandedValues)
        {
            throw Fail($"value would expand to more than {_options.MaxExpandedValues} values through shared references (MaxExpandedValues)");
        }
    }

    // A hash table doubles when full: charge the new arrays before the insert that makes them (the old ones
    // become garbage, but were allocated all the same).
    private void BeforeInsert<TKey, TValue>(Dictionary<TKey, TValue> table) where TKey : notnull
    {
        int capacity = table.EnsureCapacity(0);
        if (table.Count >= capacity)
        {
            Spend(TableEntryCost * Math.Max(4L, (2L * capacity) + 1));
        }
    }

    private void BeforeInsert<T>(HashSet<T> table)
    {
        int capacity = table.EnsureCapacity(0);
        if (table.Count >= capacity)
        {
            Spend(TableEntryCost * Math.Max(4L, (2L * capacity) + 1));
        }
    }

    private static long Saturating(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;

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
        if (_stack.Count == _stack.Capacity)
        {
            // The stack is about to double: that is the allocation, charged when it happens.
            Spend(SlotCost * Math.Max(4L, 2L * _stack.Capacity));
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
        int count = _stack.Count - start;
        Spend(count == 0 ? 0 : 24 + ((long)SlotCost * count));
        object?[] items = count == 0 ? [] : new object?[count];
        _stack.CopyTo(start, items, 0, count);
        _stack.RemoveRange(start, count);
        return items;
    }

    private void CheckCount(int count, string kind)
    {
        if (count > _options.MaxCollectionItems)
        {
            throw Fail($"{kind} would exceed {_options.MaxCollectionItems} items (MaxCollectionItems)");
        }
    }

    // A container not in _depths is flat (depth 1): most are (a list of ints), and a table entry each would
    // cost more than the list.
    private int DepthOf(object? value) => value switch
    {
        null or bool or long or double or string or byte[] or BigInteger => 0,
        _ when _depths.TryGetValue(value, out int depth) => depth,
        PyTuple or List<object?> or Dictionary<object, object?> or HashSet<object> or FrozenSet<object> or PyObject => 1,
        _ => 0,
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

    /// <summary>The depth of <paramref name="item"/>, which is being put inside another value.</summary>
    private int Place(object? item) => DepthOf(item);

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
        int old = DepthOf(container);
        if (depth > old)
        {
            if (!_depths.ContainsKey(container))
            {
                BeforeInsert(_depths);
            }
            _depths[container] = depth;
            _depthsStale |= _reachedAgain.Contains(container);
        }
    }

    private UnpicklingException Fail(string message, Exception? inner = null)
    {
        string text = $"{message} (opcode {Opcodes.NameOf(_opcode)} at offset {_opcodeOffset})";
        return inner is null ? new UnpicklingException(text) : new UnpicklingException(text, inner);
    }
}
