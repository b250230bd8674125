// The demo order-status page: picks the order from `?order=` and shows what
// the endpoint recorded (every text inserted as text).
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

async function refresh() {
  try {
    const res = await fetch('/api/feedback/log');
    if (!res.ok) return;
    const log = await res.json();
    document.getElementById('count-submissions').textContent = String(log.submissions.length);
    document.getElementById('count-tickets').textContent = String(log.tickets.length);
    document.getElementById('count-clicks').textContent = String(log.inviteClicks.length);
    document.getElementById('ticket-list').replaceChildren(...log.tickets.slice(-5).reverse().map(item));
  } catch {
    // The demo server is gone; the widget keeps its answers and retries on its own.
  }
}
refresh();
setInterval(refresh, 2000);
