import { describe, expect, it } from 'vitest';
import { pageTitle } from './page-title.ts';

const items = [
  { to: '/payments', label: 'Payments' },
  { to: '/admin', label: 'Administration' },
];

describe('page title', () => {
  it('names the page, the tenant and the product', () => {
    expect(pageTitle('/payments', items, 'Atrium', 'Tenant A')).toBe('Payments – Tenant A – Atrium');
    expect(pageTitle('/payments/abc', items, 'Atrium', 'Tenant A')).toBe('Payments – Tenant A – Atrium');
    expect(pageTitle('/', items, 'Atrium', 'Tenant A')).toBe('Home – Tenant A – Atrium');
  });

  it('leaves the tenant out for the operator, and names a page that is not there', () => {
    expect(pageTitle('/admin/users', items, 'Atrium', undefined)).toBe('Administration – Atrium');
    expect(pageTitle('/paymentsx', items, 'Atrium', undefined)).toBe('Page not found – Atrium');
  });
});
