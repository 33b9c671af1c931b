-- Reason: each subscription's per-entry queue marks its head (the oldest pending delivery), kept by triggers, so the claim reads due heads instead of asking the planner to prove that nothing older is pending.

-- The oldest pending delivery of its (subscription, scope): the one that may go out. Meaningless once a delivery
-- has finished (it is left as it was: the trigger that finishes it does not rewrite it).
ALTER TABLE webhook_deliveries ADD COLUMN head boolean NOT NULL DEFAULT false;

-- One row per (subscription, scope) with pending deliveries, naming its head. Its row lock is what orders a new
-- delivery against a head that finishes at the same moment: without it, each transaction could miss the other's
-- uncommitted row and leave a queue with no head, which would never be sent.
CREATE TABLE webhook_delivery_queues (
    subscription_id uuid NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
    scope           text NOT NULL,
    head_id         bigint NOT NULL,
    PRIMARY KEY (subscription_id, scope)
);

-- A new pending delivery joins its queue; it is the head only if the queue did not exist. The no-op update locks
-- an existing queue row until this transaction ends, so a head finishing meanwhile waits for it and then sees it.
CREATE FUNCTION webhook_delivery_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    queue_head bigint;
BEGIN
    IF NEW.status <> 'pending' THEN
        RETURN NEW;
    END IF;
    INSERT INTO webhook_delivery_queues AS q (subscription_id, scope, head_id)
    VALUES (NEW.subscription_id, NEW.scope, NEW.id)
    ON CONFLICT (subscription_id, scope) DO UPDATE SET head_id = q.head_id
    RETURNING q.head_id INTO queue_head;
    NEW.head := queue_head = NEW.id;
    RETURN NEW;
END;
$$;
CREATE TRIGGER webhook_deliveries_enqueue BEFORE INSERT ON webhook_deliveries
    FOR EACH ROW EXECUTE FUNCTION webhook_delivery_enqueue();

-- A statement that ended leases or changed statuses (a head finished, was rescheduled or released; a delivery was
-- requeued) sets the heads of the queues it touched again: the oldest pending delivery of each, or no queue when none
-- is pending. The queue rows are locked (made if missing) first, in key order, the order the fan-out inserts in;
-- what is pending is read by the next statement, which sees every delivery queued before the lock was granted.
-- Only rows that can be wrong are rewritten (the new head, the queue's previous head, the rows this statement
-- changed), and never one under a live lease: that one is being sent, its worker holds its row until the outcome is
-- recorded, and waiting for it here while holding the queue would deadlock with that outcome. Its lease ends in this
-- trigger again. (A finished delivery keeps its flag: it means nothing once it is not pending.)
CREATE FUNCTION webhook_delivery_requeue_heads() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO webhook_delivery_queues AS q (subscription_id, scope, head_id)
    SELECT n.subscription_id, n.scope, min(n.id)
    FROM new_rows n JOIN old_rows o ON o.id = n.id
    WHERE o.status <> n.status OR (n.status = 'pending' AND o.lease_until IS NOT NULL AND n.lease_until IS NULL)
    GROUP BY n.subscription_id, n.scope
    ORDER BY n.subscription_id, n.scope
    ON CONFLICT (subscription_id, scope) DO UPDATE SET head_id = q.head_id;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;

    WITH changed AS (
        SELECT n.id, n.subscription_id, n.scope, n.status
        FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE o.status <> n.status OR (n.status = 'pending' AND o.lease_until IS NOT NULL AND n.lease_until IS NULL)),
    heads AS (
        SELECT q.subscription_id, q.scope, q.head_id AS old_head,
               (SELECT min(d.id) FROM webhook_deliveries d
                WHERE d.subscription_id = q.subscription_id AND d.scope = q.scope AND d.status = 'pending') AS new_head
        FROM webhook_delivery_queues q
        WHERE (q.subscription_id, q.scope) IN (SELECT subscription_id, scope FROM changed)),
    dropped AS (
        DELETE FROM webhook_delivery_queues q USING heads h
        WHERE q.subscription_id = h.subscription_id AND q.scope = h.scope AND h.new_head IS NULL),
    moved AS (
        UPDATE webhook_delivery_queues q SET head_id = h.new_head FROM heads h
        WHERE q.subscription_id = h.subscription_id AND q.scope = h.scope AND h.new_head <> h.old_head),
    -- A queue's previous head is pending, or finished by this very statement (then its flag no longer matters).
    suspects AS (
        (SELECT new_head AS id FROM heads UNION SELECT old_head FROM heads UNION SELECT id FROM changed)
        EXCEPT SELECT id FROM changed WHERE status <> 'pending')
    -- Rows by primary key alone (= ANY(ARRAY(...)), no condition on status that a partial index could serve):
    -- planned from stale statistics, a join or a pending-rows index read every pending delivery.
    UPDATE webhook_deliveries d SET head = NOT d.head
    WHERE d.id = ANY(ARRAY(SELECT id FROM suspects WHERE id IS NOT NULL))
      AND d.head <> (d.id = ANY(ARRAY(SELECT new_head FROM heads WHERE new_head IS NOT NULL)))
      AND (d.lease_until IS NULL OR d.lease_until < now());
    RETURN NULL;
END;
$$;
CREATE TRIGGER webhook_deliveries_requeue_heads AFTER UPDATE ON webhook_deliveries
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION webhook_delivery_requeue_heads();

-- The deliveries pending now, queued and headed as the triggers would have done.
INSERT INTO webhook_delivery_queues (subscription_id, scope, head_id)
SELECT subscription_id, scope, min(id) FROM webhook_deliveries WHERE status = 'pending'
GROUP BY subscription_id, scope;
UPDATE webhook_deliveries d SET head = true
FROM webhook_delivery_queues q WHERE d.id = q.head_id;
