// A tiny element builder: h('button', {class: 'primary', onclick}, 'Save').
// Props: `class`, `text`, `dataset` (object), `on<event>` handlers, booleans (`disabled`, `hidden`),
// anything else becomes an attribute (`data-test-id`, `aria-*`, `for`, ...). Children may be
// strings, nodes, arrays, or null/false (skipped).

export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'class') el.className = value;
    else if (name === 'text') el.textContent = value;
    else if (name === 'dataset') Object.assign(el.dataset, value);
    else if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (name === 'value' || name === 'checked' || name === 'selected') el[name] = value;
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces all children of `el`. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** Element by `data-test-id` inside `root`. */
export function byTestId(root, id) {
  return root.querySelector(`[data-test-id="${id}"]`);
}
