namespace Factorizer.Managers.Durability;

/// <summary>
/// The kinds of record in a durable queue's journal. Every record is the kind byte and the item's
/// sequence number (little-endian 64 bits); the three put kinds carry the item's pickle after it.
/// </summary>
internal enum QueueRecordKind : byte
{
    /// <summary>A new item at the back of the queue (a put).</summary>
    Put = 1,

    /// <summary>A new item at the front (an item requeued after its get's reply was lost).</summary>
    PutFront = 2,

    /// <summary>A new item handed straight to a waiting reserver (under a lease, out of the queue).</summary>
    PutLeased = 3,

    /// <summary>The item is gone (a get took it, or its lease was acked).</summary>
    Remove = 4,

    /// <summary>The item was taken under a lease (out of the queue, owed back).</summary>
    Reserve = 5,

    /// <summary>A leased item came back to the front of the queue.</summary>
    Front = 6,

    /// <summary>A leased item came back to the back of the queue (rare: a reserver that vanished as it was served).</summary>
    Back = 7,
}
