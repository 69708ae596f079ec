using System.Numerics;

namespace Factorizer.Pickle.Globals;

/// <summary>
/// <c>builtins.complex</c> as CPython pickles it: <c>complex(real, imag)</c> by NEWOBJ (protocol 2+) or REDUCE,
/// read as <see cref="Complex"/>.
/// </summary>
internal sealed class ComplexClass() : PyClass("builtins.complex")
{
    public override object? Reduce(PyTuple args) => Make(args);

    public override object? NewObject(PyTuple args, IReadOnlyDictionary<object, object?>? kwargs) =>
        kwargs is { Count: > 0 } ? throw new UnpicklingException($"{QualifiedName} takes no keyword arguments here") : Make(args);

    private Complex Make(PyTuple args) => args.Count switch
    {
        0 => Complex.Zero,
        1 => new Complex(Part(args[0]), 0),
        2 => new Complex(Part(args[0]), Part(args[1])),
        _ => throw new UnpicklingException($"{QualifiedName} takes at most 2 arguments ({args.Count} given)"),
    };

    private double Part(object? value) => value switch
    {
        double d => d,
        long l => l,
        bool b => b ? 1 : 0,
        BigInteger big => (double)big,
        _ => throw new UnpicklingException($"{QualifiedName} needs numbers, got {PyValues.TypeName(value)}"),
    };
}
