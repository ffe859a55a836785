import type { Command } from './context.ts'
import { listOpenTasks } from '../store/tasks.ts'

/** `wismo tasks [--json]` — the rep worklist, most urgent first. */
export const tasksCommand: Command = async (ctx, { flags }) => {
  const tasks = await listOpenTasks(await ctx.db())
  if (flags.json) {
    ctx.out(JSON.stringify(tasks, null, 2))
    return 0
  }
  if (tasks.length === 0) ctx.out('no open tasks')
  for (const t of tasks) {
    const about = t.orderNumber ? `order ${t.orderNumber}${t.lineNo ? ` line ${t.lineNo}` : ''}` : t.supplierId ? `supplier ${t.supplierName ?? t.supplierId}` : ''
    ctx.out(`#${t.taskId}  [${t.kind}]  ${t.title}  ${about}  (since ${t.createdAt.slice(0, 10)})`)
    if (t.detail) ctx.out(`      ${t.detail}`)
  }
  return 0
}
