import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextParam, safeNext } from '../../src/lib/next.js';

test('signing in returns to the dashboard address with its query: filters and page kept', () => {
  assert.equal(safeNext('/dashboard'), '/dashboard');
  assert.equal(safeNext('/dashboard/webhooks'), '/dashboard/webhooks');
  assert.equal(safeNext('/dashboard/transactions?status=failed&offset=10'), '/dashboard/transactions?status=failed&offset=10');
  assert.equal(safeNext('/dashboard/transactions/pay_Abc123?limit=25'), '/dashboard/transactions/pay_Abc123?limit=25');
  assert.equal(safeNext('/dashboard/transactions?'), '/dashboard/transactions');
  // Through /login?next=… and back, as the router writes and reads it.
  const login = `/login${nextParam('/dashboard/transactions', '?status=failed&limit=25&offset=50')}`;
  assert.equal(login, '/login?next=%2Fdashboard%2Ftransactions%3Fstatus%3Dfailed%26limit%3D25%26offset%3D50');
  assert.equal(safeNext(new URL(login, 'http://localhost').searchParams.get('next')), '/dashboard/transactions?status=failed&limit=25&offset=50');
  assert.equal(nextParam('/dashboard/webhooks', ''), '?next=%2Fdashboard%2Fwebhooks');
  assert.equal(nextParam('/dashboard', '?'), '?next=%2Fdashboard');
});

test('only same-origin dashboard addresses are returned to', () => {
  for (const next of [
    null,
    '',
    'https://evil.example/dashboard',
    '//evil.example/dashboard',
    '/dashboard//evil.example',
    '/\\evil.example',
    '/dashboard\\..\\login',
    '/dashboard/transactions?x=\\evil',
    '/dashboard/transactions?status=failed#x',
    '/dashboard/../login',
    '/dashboardx',
    '/login',
    '/',
    'javascript:alert(1)',
    '/dashboard/transactions?next=https://evil.example',
    '/dashboard/transactions?status=a b',
    `/dashboard?${'a'.repeat(3000)}`,
  ]) {
    assert.equal(safeNext(next), null, JSON.stringify(next));
  }
  assert.equal(nextParam('/login', '?next=%2Fdashboard'), '', 'the login page is no place to return to');
  assert.equal(nextParam('/dashboard/transactions', '?x=//evil'), '?next=%2Fdashboard%2Ftransactions', 'a query that is not plain is left out, the path kept');
  assert.equal(nextParam('/dashboard/transactions', '?status=failed&utm=a:b'), '?next=%2Fdashboard%2Ftransactions');
  assert.equal(nextParam('//evil.example/dashboard', ''), '', 'an address that is not safe is left out');
});
