-- The one definition of an open backorder, read by everything that counts or lists them (the
-- dashboard's headline and charts, the lines behind them, the worklist's backorder filter):
-- an order line whose latest recorded state at an instant is 'backordered' — the state the
-- sweep derived (or a customer's choice recorded) in the line's history, so that the count on
-- any past day is what wismo knew that day. A line that shipped, came back in stock, became
-- unavailable or was cancelled has a later entry and drops out.
CREATE FUNCTION open_backorders_at(at timestamptz)
RETURNS TABLE (order_line_id bigint, since timestamptz)
LANGUAGE sql STABLE AS $$
  SELECT h.order_line_id, h.changed_at
    FROM (SELECT DISTINCT ON (x.order_line_id) x.order_line_id, x.state, x.changed_at
            FROM line_state_history x
           WHERE x.changed_at <= at
           ORDER BY x.order_line_id, x.changed_at DESC, x.history_id DESC) h
   WHERE h.state = 'backordered'
$$;
