// Renders a console page with the signed-in operator (for the navigation and the logout button).
import type { Context } from 'koa';
import { render } from '../../http/views.ts';

export function renderConsole(
  ctx: Context,
  template: string,
  variables: Record<string, unknown> = {},
  status = 200,
): void {
  render(ctx, template, { operator: ctx.state.operator, ...variables }, status);
}
