-- The sweep closes a batch's tasks by line: without this, each batch scanned every open task,
-- and a full sweep grew with the square of the lines (measured in bench/sweep.ts).
CREATE INDEX tasks_open_line ON tasks (order_line_id) WHERE status = 'open' AND order_line_id IS NOT NULL;
