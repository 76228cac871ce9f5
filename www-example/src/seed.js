// The sandbox's knowledge base: a small, made-up coffee roaster. Each entry is added with
// `client.knowledge.addText()` when the worker starts without an API key, so the sandbox can answer
// questions from it (it retrieves the best-matching passage, as the real service grounds its answers).

export const SEED_KNOWLEDGE = [
  {
    title: 'Opening hours',
    content:
      'Our café at 12 Harbor Lane is open Monday to Friday from 7 am to 6 pm, and Saturday and Sunday ' +
      'from 8 am to 4 pm. We close on public holidays.',
  },
  {
    title: 'Shipping and delivery',
    content:
      'We roast on Mondays and Thursdays and ship within 24 hours of roasting. Delivery takes 2 to 4 ' +
      'working days and is free on orders over $40; below that, shipping costs a flat $5.',
  },
  {
    title: 'Returns and refunds',
    content:
      'Not happy with your beans? Tell us within 30 days of delivery and we will send a replacement bag ' +
      'or refund you in full. Opened bags are fine: we want you to find a coffee you love.',
  },
  {
    title: 'Coffee subscription',
    content:
      'The Harbor Lane subscription sends a fresh 250 g bag every two or four weeks, with 10% off every ' +
      'bag. You can pause, skip or cancel any time from your account page.',
  },
  {
    title: 'Brewing advice',
    content:
      'For pour-over, use 15 g of coffee ground medium-fine to 250 ml of water just off the boil ' +
      '(about 94 °C), and aim for a total brew time of about 3 minutes.',
  },
];

/** Questions the page offers as one-click suggestions in sandbox mode. */
export const SUGGESTIONS = [
  'When are you open on Sunday?',
  'How long does shipping take?',
  'Can I pause my subscription?',
  'I would like to talk to a human',
];
