namespace Factorizer.Managers.Queues;

/// <summary>Why a leased item went back to its queue.</summary>
public enum LeaseReturnReason
{
    /// <summary>The holder released it (<c>release</c>), or its <c>reserve</c> reply was never delivered.</summary>
    Released,

    /// <summary>Its time-to-run passed without an ack or touch.</summary>
    Expired,

    /// <summary>The holder went away (its connection closed).</summary>
    HolderGone,

    /// <summary>A delayed release came due.</summary>
    DelayEnded,
}
