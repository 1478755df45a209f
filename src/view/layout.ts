/**
 * How the page lays out the stage, as its styles say (`--stacked` on the stage): on a phone the
 * views go one under another and the page scrolls, so a view grows with its content; everywhere
 * else each view has the box the stage gives it.
 */
export function stageStacked(el: Element): boolean {
  return getComputedStyle(el).getPropertyValue('--stacked').trim() === '1';
}
