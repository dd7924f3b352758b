import { expect, type Locator, type Page } from '@playwright/test';

/**
 * What sticks out sideways on the page: the document itself wider than the window, any scroll frame
 * (in the document or inside an element's shadow root) whose content is wider than the frame, and
 * any visible box reaching past the window's right edge. One line each, so a failure names the culprit.
 */
export async function horizontalOverflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const width = window.innerWidth;
    const scroller = document.scrollingElement!;
    if (scroller.scrollWidth > width)
      problems.push(`document: ${scroller.scrollWidth} px wide in a ${width} px window`);
    const name = (element: Element): string => {
      const label = element.getAttribute('aria-label') ?? element.textContent?.trim().slice(0, 30) ?? '';
      const classes = typeof element.className === 'string' ? element.className.split(' ')[0] : '';
      return `${element.localName}${classes ? `.${classes}` : ''} "${label}"`;
    };
    const visit = (root: Document | ShadowRoot): void => {
      for (const element of root.querySelectorAll('*')) {
        if (element.shadowRoot) visit(element.shadowRoot);
        const style = getComputedStyle(element);
        if (style.display === 'none' || style.visibility === 'hidden') continue;
        const rect = element.getBoundingClientRect();
        if (rect.width === 0 || rect.height === 0) continue;
        // Off-screen on purpose (the skip link until it is focused, visually hidden labels).
        if (rect.right <= 0 || (rect.width <= 1 && rect.height <= 1)) continue;
        if (['auto', 'scroll'].includes(style.overflowX) && element.scrollWidth > element.clientWidth + 1)
          problems.push(
            `${name(element)} scrolls sideways: ${element.scrollWidth} px in ${element.clientWidth} px`,
          );
        if (rect.right > width + 1) problems.push(`${name(element)} reaches ${Math.round(rect.right)} px`);
      }
    };
    visit(document);
    return problems;
  });
}

/**
 * True when the whole control is on screen as it stands, without scrolling anything sideways:
 * inside the window's width and not cut off by any ancestor that clips (across shadow roots).
 */
export async function expectFullyShown(control: Locator): Promise<void> {
  await control.scrollIntoViewIfNeeded();
  const clipped = await control.evaluate((element) => {
    const rect = element.getBoundingClientRect();
    if (rect.left < 0 || rect.right > window.innerWidth + 0.5)
      return `outside the window (${rect.left}–${rect.right})`;
    for (let node: Node | null = element.parentNode; node;) {
      if (node instanceof ShadowRoot) {
        node = node.host;
        continue;
      }
      if (!(node instanceof Element)) break;
      if (getComputedStyle(node).overflowX !== 'visible') {
        const frame = node.getBoundingClientRect();
        if (rect.left < frame.left - 0.5 || rect.right > frame.right + 0.5)
          return `cut off by ${node.localName}.${node.className} (${frame.left}–${frame.right})`;
      }
      node = node.parentNode;
    }
    return '';
  });
  expect(clipped, (await control.getAttribute('aria-label')) ?? (await control.innerText())).toBe('');
}
