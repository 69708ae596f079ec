namespace Factorizer.Pickle;

/// <summary>
/// Pickle opcodes, with CPython's names (Lib/pickle.py). Only the ones this library reads, writes or
/// names in an error message are listed; any other byte is an unknown opcode.
/// </summary>
internal static class Opcodes
{
    // Protocol 0/1 text forms and other opcodes CPython's default pickler never sends here: refused.
    public const byte Int = (byte)'I';               // decimal int on a line
    public const byte Long = (byte)'L';              // decimal long on a line
    public const byte String = (byte)'S';            // quoted str on a line
    public const byte BinString = (byte)'T';         // u32 length + Python 2 str
    public const byte ShortBinString = (byte)'U';    // u8 length + Python 2 str
    public const byte Unicode = (byte)'V';           // raw-unicode-escaped line
    public const byte Float = (byte)'F';             // float as a decimal line
    public const byte Get = (byte)'g';               // memo index as a decimal line
    public const byte Put = (byte)'p';               // memo index as a decimal line
    public const byte Inst = (byte)'i';              // build an instance from module/name lines
    public const byte Obj = (byte)'o';               // build an instance from the stack
    public const byte PersId = (byte)'P';            // persistent id (a line)
    public const byte BinPersId = (byte)'Q';         // persistent id (from the stack)
    public const byte Ext1 = 0x82;                   // extension registry code, u8
    public const byte Ext2 = 0x83;                   // extension registry code, u16
    public const byte Ext4 = 0x84;                   // extension registry code, i32
    public const byte NextBuffer = 0x97;             // out-of-band buffer (protocol 5)
    public const byte ReadOnlyBuffer = 0x98;         // make the top buffer read-only (protocol 5)

    // Protocol 2+ framing.
    public const byte Proto = 0x80;                  // u8 protocol version
    public const byte Frame = 0x95;                  // u64 frame length; a read-ahead hint only
    public const byte Stop = (byte)'.';              // end of pickle; the result is the top of the stack

    // Stack and mark handling.
    public const byte Mark = (byte)'(';              // push a mark
    public const byte Pop = (byte)'0';               // discard the top item (or the mark on top)
    public const byte PopMark = (byte)'1';           // discard everything down to the topmost mark
    public const byte Dup = (byte)'2';               // push the top item again

    // Scalars.
    public const byte None = (byte)'N';              // None
    public const byte NewTrue = 0x88;                // True
    public const byte NewFalse = 0x89;               // False
    public const byte BinInt1 = (byte)'K';           // u8
    public const byte BinInt2 = (byte)'M';           // u16 LE
    public const byte BinInt = (byte)'J';            // i32 LE
    public const byte Long1 = 0x8A;                  // u8 n + n bytes two's complement LE
    public const byte Long4 = 0x8B;                  // i32 n + n bytes two's complement LE
    public const byte BinFloat = (byte)'G';          // 8-byte big-endian IEEE-754 double

    // Text and bytes.
    public const byte ShortBinUnicode = 0x8C;        // u8 n + UTF-8
    public const byte BinUnicode = (byte)'X';        // u32 n + UTF-8
    public const byte BinUnicode8 = 0x8D;            // u64 n + UTF-8
    public const byte ShortBinBytes = (byte)'C';     // u8 n + bytes
    public const byte BinBytes = (byte)'B';          // u32 n + bytes
    public const byte BinBytes8 = 0x8E;              // u64 n + bytes
    public const byte ByteArray8 = 0x96;             // u64 n + bytes, as a bytearray

    // Tuples.
    public const byte EmptyTuple = (byte)')';        // ()
    public const byte Tuple1 = 0x85;                 // pop 1 item into a tuple
    public const byte Tuple2 = 0x86;                 // pop 2 items into a tuple
    public const byte Tuple3 = 0x87;                 // pop 3 items into a tuple
    public const byte Tuple = (byte)'t';             // pop to the mark into a tuple

    // Lists.
    public const byte EmptyList = (byte)']';         // []
    public const byte List = (byte)'l';              // pop to the mark into a list
    public const byte Append = (byte)'a';            // list.append(pop())
    public const byte Appends = (byte)'e';           // list.extend(items to the mark)

    // Dicts.
    public const byte EmptyDict = (byte)'}';         // {}
    public const byte Dict = (byte)'d';              // pop key/value pairs to the mark into a dict
    public const byte SetItem = (byte)'s';           // pop value, key; dict[key] = value
    public const byte SetItems = (byte)'u';          // key/value pairs to the mark into the dict below

    // Sets (protocol 4).
    public const byte EmptySet = 0x8F;               // set()
    public const byte AddItems = 0x90;               // set.update(items to the mark)
    public const byte FrozenSet = 0x91;              // pop to the mark into a frozenset

    // Memo.
    public const byte Memoize = 0x94;                // memo[len(memo)] = top
    public const byte BinPut = (byte)'q';            // memo[u8] = top
    public const byte LongBinPut = (byte)'r';        // memo[u32] = top
    public const byte BinGet = (byte)'h';            // push memo[u8]
    public const byte LongBinGet = (byte)'j';        // push memo[u32]

    // Globals and calls: this library never resolves or calls anything; see PickleGlobals.
    public const byte Global = (byte)'c';            // module\nname\n
    public const byte StackGlobal = 0x93;            // pop name, module
    public const byte Reduce = (byte)'R';            // pop args, callable; push callable(*args)
    public const byte NewObj = 0x81;                 // pop args, cls; push cls.__new__(cls, *args)
    public const byte NewObjEx = 0x92;               // pop kwargs, args, cls
    public const byte Build = (byte)'b';             // pop state; top.__setstate__(state)

    /// <summary>CPython's name of an opcode, for error messages.</summary>
    public static string NameOf(byte opcode) => opcode switch
    {
        Int => "INT", Long => "LONG", String => "STRING", BinString => "BINSTRING",
        ShortBinString => "SHORT_BINSTRING", Unicode => "UNICODE", Float => "FLOAT", Get => "GET", Put => "PUT",
        Inst => "INST", Obj => "OBJ", PersId => "PERSID", BinPersId => "BINPERSID",
        Ext1 => "EXT1", Ext2 => "EXT2", Ext4 => "EXT4", NextBuffer => "NEXT_BUFFER", ReadOnlyBuffer => "READONLY_BUFFER",
        Proto => "PROTO", Frame => "FRAME", Stop => "STOP", Mark => "MARK", Pop => "POP", PopMark => "POP_MARK",
        Dup => "DUP", None => "NONE", NewTrue => "NEWTRUE", NewFalse => "NEWFALSE", BinInt1 => "BININT1",
        BinInt2 => "BININT2", BinInt => "BININT", Long1 => "LONG1", Long4 => "LONG4", BinFloat => "BINFLOAT",
        ShortBinUnicode => "SHORT_BINUNICODE", BinUnicode => "BINUNICODE", BinUnicode8 => "BINUNICODE8",
        ShortBinBytes => "SHORT_BINBYTES", BinBytes => "BINBYTES", BinBytes8 => "BINBYTES8", ByteArray8 => "BYTEARRAY8",
        EmptyTuple => "EMPTY_TUPLE", Tuple1 => "TUPLE1", Tuple2 => "TUPLE2", Tuple3 => "TUPLE3", Tuple => "TUPLE",
        EmptyList => "EMPTY_LIST", List => "LIST", Append => "APPEND", Appends => "APPENDS", EmptyDict => "EMPTY_DICT",
        Dict => "DICT", SetItem => "SETITEM", SetItems => "SETITEMS", EmptySet => "EMPTY_SET", AddItems => "ADDITEMS",
        FrozenSet => "FROZENSET", Memoize => "MEMOIZE", BinPut => "BINPUT", LongBinPut => "LONG_BINPUT",
        BinGet => "BINGET", LongBinGet => "LONG_BINGET", Global => "GLOBAL", StackGlobal => "STACK_GLOBAL",
        Reduce => "REDUCE", NewObj => "NEWOBJ", NewObjEx => "NEWOBJ_EX", Build => "BUILD",
        _ => $"0x{opcode:x2}",
    };
}
