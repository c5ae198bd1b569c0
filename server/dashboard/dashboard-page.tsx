/**
 * The dashboard's page: server-rendered with hono/jsx, without any sandbox data. The data comes
 * from the control API, read by the client script (client/main.js) with the control token when
 * one is set, so the page itself loads without the token and shows exactly what API clients see.
 */
import type { Child } from 'hono/jsx';
import { HtmlPage } from '../html-page.js';

/** Where the page keeps the control token for the browser tab (sessionStorage); /docs/control reads it too. */
export const CONTROL_TOKEN_STORAGE_KEY = 'ai-market-sandbox.control-token';

export const UI_PREFIX = '/_mock/ui';

/** The add-rule field's example: the next purchase is committed, then its connection reset. */
const FAULT_EXAMPLE = '{"kind": "after_commit_reset", "operation": "purchase", "times": 1}';

/** A labelled text field; its error (from the control API's `details[]`) appears under it. */
function Field(props: { name: string; label: string; placeholder?: string; required?: boolean; wide?: boolean; type?: string }) {
  return (
    <label class={props.wide ? 'field wide' : 'field'}>
      <span class="label">{props.label}</span>
      <input name={props.name} type={props.type ?? 'text'} placeholder={props.placeholder} autocomplete="off" required={props.required} />
    </label>
  );
}

function ActionForm(props: { id: string; button: string; children?: Child; danger?: boolean }) {
  return (
    <form id={props.id} class="action" novalidate>
      {props.children}
      <button type="submit" class={props.danger ? 'danger' : undefined}>
        {props.button}
      </button>
      <output class="form-result" aria-live="polite"></output>
    </form>
  );
}

function Panel(props: { id: string; title: string; children: Child; wide?: boolean }) {
  return (
    <section id={props.id} class={props.wide ? 'panel wide' : 'panel'} aria-labelledby={`${props.id}-title`}>
      <h2 id={`${props.id}-title`}>{props.title}</h2>
      {props.children}
    </section>
  );
}

export function DashboardPage(props: { version: string }) {
  return (
    <HtmlPage
      title="Dashboard"
      head={
        <>
          <link rel="stylesheet" href={`${UI_PREFIX}/dashboard.css`} />
          <script type="module" src={`${UI_PREFIX}/client/main.js`}></script>
        </>
      }
      bodyAttributes={{ 'data-token-key': CONTROL_TOKEN_STORAGE_KEY }}
    >
      <header class="top">
        <h1>AI-Market sandbox</h1>
        <span class="version">{props.version}</span>
        <span id="clock" class="clock" aria-live="polite">
          clock: …
        </span>
        <nav aria-label="Sandbox pages">
          <a href="/docs">API docs</a>
          <a href="/docs/control">Control API docs</a>
          <button type="button" id="refresh">
            Refresh
          </button>
          <button type="button" id="forget-token" hidden>
            Forget token
          </button>
        </nav>
      </header>

      <section id="token-panel" class="token-panel" hidden aria-labelledby="token-title">
        <h2 id="token-title">Control token</h2>
        <p id="token-reason">This sandbox's control API is locked. Enter its control token (AI_MARKET_MOCK_CONTROL_TOKEN).</p>
        <form id="token-form" class="action">
          <Field name="token" label="Token" type="password" required wide />
          <button type="submit">Unlock</button>
          <output class="form-result"></output>
        </form>
        <p class="hint">It is kept in this browser tab only (sessionStorage) and sent as Authorization: Bearer.</p>
      </section>

      <p id="notice" class="notice" role="status" hidden></p>

      <main id="dashboard" class="grid">
        <Panel id="accounts" title="Accounts">
          <div class="table-wrap" id="accounts-table"></div>
          <h3>Create an account</h3>
          <ActionForm id="create-account" button="Create account">
            <Field name="id" label="Id (optional)" placeholder="carol" />
            <Field name="balance" label="Balance (USDT)" placeholder="25" />
            <Field name="key" label="Key (optional)" placeholder="mk_test_carol" />
          </ActionForm>
          <h3>Revoke a key</h3>
          <ActionForm id="revoke-key" button="Revoke key" danger>
            <Field name="key" label="The whole key" placeholder="mk_test_..." wide />
          </ActionForm>
        </Panel>

        <Panel id="products" title="Products">
          <div class="table-wrap" id="products-table"></div>
          <h3>Add or change a product</h3>
          <ActionForm id="put-product" button="Save product">
            <Field name="id" label="Id" placeholder="006" />
            <Field name="name" label="Name" placeholder="Gift Card 10 USD" wide />
            <Field name="price" label="Price (USDT)" placeholder="10" />
            <Field name="stock" label="Stock (replaces unsold codes)" placeholder="5" />
          </ActionForm>
        </Panel>

        <Panel id="sandbox" title="Clock and sandbox" wide>
          <p class="clock-detail" id="clock-detail"></p>
          <div class="tools">
            <ActionForm id="advance-clock" button="Advance clock">
              <Field name="seconds" label="Seconds" placeholder="61" />
            </ActionForm>
            <ActionForm id="load-fixture" button="Load fixture">
              <label class="field wide">
                <span class="label">Fixture file (JSON, the format of fixtures/default.json)</span>
                <input name="fixture" type="file" accept="application/json,.json" />
              </label>
            </ActionForm>
            <ActionForm id="reset" button="Reset to the fixture" danger></ActionForm>
          </div>
        </Panel>

        <Panel id="orders" title="Orders" wide>
          <div class="table-wrap" id="orders-table"></div>
        </Panel>

        <Panel id="journal" title="Request journal" wide>
          <form id="journal-filter" class="action filters">
            <Field name="account" label="Account" placeholder="any account" />
            <Field name="status" label="Status" placeholder="any status" />
            <Field name="code" label="Error code" placeholder="any code" />
            <button type="submit">Filter</button>
            <output class="form-result" aria-live="polite"></output>
          </form>
          <p class="live-state" id="journal-live"></p>
          <ol class="journal-list" id="journal-list"></ol>
        </Panel>

        <Panel id="faults" title="Fault rules" wide>
          <p class="unavailable" hidden></p>
          <ul class="fault-list" id="fault-list"></ul>
          <form id="add-fault" class="action" novalidate>
            <label class="field wide">
              <span class="label">Rule (JSON, as POST /_mock/faults takes it)</span>
              <textarea name="rule" rows={3} spellcheck={false} placeholder={FAULT_EXAMPLE}></textarea>
            </label>
            <button type="submit">Add rule</button>
            <output class="form-result" aria-live="polite"></output>
          </form>
        </Panel>
      </main>
    </HtmlPage>
  );
}
