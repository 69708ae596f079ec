namespace Factorizer.Bench;

/// <summary>Every workload the bench runs, in table order. A new group of workloads is one more line here.</summary>
internal static class WorkloadCatalog
{
    public static IReadOnlyList<Workload> All(double scale) =>
    [
        .. Workload.Standard(scale),
    ];
}
