-- The rep's worklist (issue 16): a task is assigned to a console user ("mine"), and says who
-- closed it and why — a rep, or wismo itself when what the task asked for has happened.

ALTER TABLE tasks ADD COLUMN assigned_user_id bigint REFERENCES users ON DELETE SET NULL;
ALTER TABLE tasks ADD COLUMN assigned_at timestamptz;
-- rep:<email>, or system (wismo closed it: the customer answered, the line shipped …).
ALTER TABLE tasks ADD COLUMN closed_by text;
ALTER TABLE tasks ADD COLUMN close_note text;

-- "Mine" is one index range, like the whole open list (tasks_open).
CREATE INDEX tasks_open_assignee ON tasks (assigned_user_id, priority, created_at) WHERE status = 'open';

-- Tasks closed before this: a rep's close is in the audit log; every other close was wismo's.
UPDATE tasks t SET closed_by = a.actor
  FROM audit_log a
 WHERE a.action = 'task.close' AND t.status = 'done' AND a.detail ? 'taskId' AND (a.detail ->> 'taskId')::bigint = t.task_id;
UPDATE tasks SET closed_by = 'system' WHERE status = 'done' AND closed_by IS NULL;
