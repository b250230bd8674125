// The demo order-status page: picks the order from `?order=` and shows what
// reached the shop's support desk (every text inserted as text).
const params = new URLSearchParams(location.search);
const order = params.get('order');
const widget = document.querySelector('reviewloop-feedback');
if (order && /^[A-Za-z0-9-]{1,40}$/.test(order) && widget) {
  widget.setAttribute('order-id', order);
  document.querySelector('h1').textContent = `Your order ${order}`;
  document.title = `Order ${order} · Fernhill Outfitters`;
  const next = document.getElementById('next-order');
  const n = Number(order.replace(/\D/g, '')) + 1;
  if (next && Number.isFinite(n)) next.href = `/order-status.html?order=A-${n}`;
}

function item(ticket) {
  const li = document.createElement('li');
  const head = document.createElement('strong');
  head.textContent = `Ticket for ${ticket.orderId}: ${ticket.priority}`;
  const causes = document.createElement('div');
  causes.className = 'meta';
  const named = ticket.rootCauses.map((c) => c.id).join(', ') || 'no root cause named';
  causes.textContent = `Root causes: ${named}${ticket.risks.length ? ` · risks: ${ticket.risks.join(', ')}` : ''}`;
  const comment = document.createElement('div');
  comment.textContent = ticket.comment ? `Comment: ${ticket.comment}` : 'No comment';
  const reply = document.createElement('div');
  reply.textContent = `Suggested first response: ${ticket.suggestedResponse}`;
  li.append(head, causes, comment, reply);
  return li;
}

/**
 * Where the record of what arrived lives: under `make demo`, the local webhook
 * receiver the Worker delivers to (demo-receiver.json, written for that run);
 * under the browser suites' Node server, its in-memory endpoint.
 */
async function findLog() {
  try {
    const res = await fetch('/demo-receiver.json');
    if (res.ok) return (await res.json()).log;
  } catch {
    // Not there: the Node server's endpoint, below.
  }
  return '/api/feedback/log';
}

/** A count, hidden when this log does not keep that kind of record. */
const count = (id, list) => {
  const value = document.getElementById(id);
  value.parentElement.hidden = !Array.isArray(list);
  value.textContent = Array.isArray(list) ? String(list.length) : '';
};

let logUrl = null;
let timer = null;

async function refresh() {
  try {
    logUrl ??= await findLog();
    const res = await fetch(logUrl);
    if (!res.ok) {
      document.getElementById('log-status').textContent = 'No demo receiver is running, so nothing is recorded here (start the demo with make demo).';
      clearInterval(timer);
      return;
    }
    const log = await res.json();
    count('count-tickets', log.tickets);
    count('count-alerts', log.alerts);
    count('count-submissions', log.submissions);
    count('count-clicks', log.inviteClicks);
    document.getElementById('ticket-list').replaceChildren(...log.tickets.slice(-5).reverse().map(item));
  } catch {
    // The receiver is gone for now; the widget keeps its answers and retries on its own.
  }
}
refresh();
timer = setInterval(refresh, 2000);
