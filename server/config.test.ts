import { describe, expect, it } from 'vitest';
import { ConfigError, configFromValues, parseConfig, settingsHelp } from './config.js';

describe('configuration', () => {
  it('has the documented defaults', () => {
    expect(parseConfig([], {})).toEqual({
      host: '127.0.0.1',
      port: 8080,
      db: '.data/sandbox.sqlite',
      fixtures: '',
      rateLimit: 20,
      rateWindow: 60,
      controlToken: '',
      idempotencyReuse: 'reject',
      faults: [],
      journalLimit: 10_000,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5000,
      maxConnections: 1000,
    });
  });

  it('takes fault rules from repeated --fault flags, or a JSON array in AI_MARKET_MOCK_FAULTS; flags win', () => {
    const env = { AI_MARKET_MOCK_FAULTS: '[{"kind":"hang","max_ms":500},{"kind":"close_before","every":2}]' };
    expect(parseConfig([], env).faults).toEqual([
      { kind: 'hang', max_ms: 500 },
      { kind: 'close_before', every: 2 },
    ]);
    const flags = ['--fault', '{"kind":"reset_before","times":1}', '--fault={"kind":"error_response","status":503}'];
    expect(parseConfig(flags, env).faults).toEqual([
      { kind: 'reset_before', times: 1 },
      { kind: 'error_response', status: 503, body: 'json' },
    ]);
    expect(parseConfig(['--journal-limit', '50'], {}).journalLimit).toBe(50);
  });

  it('reads environment variables, and flags win over them', () => {
    const env = { AI_MARKET_MOCK_PORT: '9000', AI_MARKET_MOCK_DB: ':memory:', AI_MARKET_MOCK_RATE_LIMIT: '5' };
    expect(parseConfig([], env)).toMatchObject({ port: 9000, db: ':memory:', rateLimit: 5 });
    expect(parseConfig(['--port', '9001', '--rate-limit=7', '--idempotency-reuse', 'replay'], env)).toMatchObject({
      port: 9001,
      rateLimit: 7,
      idempotencyReuse: 'replay',
      db: ':memory:',
    });
  });

  it.each([
    [['--port', 'http'], {}, /--port="http"/],
    [['--port', '70000'], {}, /--port="70000"/],
    [[], { AI_MARKET_MOCK_RATE_LIMIT: '0' }, /AI_MARKET_MOCK_RATE_LIMIT="0"/],
    [[], { AI_MARKET_MOCK_RATE_WINDOW: '1.5' }, /AI_MARKET_MOCK_RATE_WINDOW/],
    [['--idempotency-reuse', 'maybe'], {}, /--idempotency-reuse="maybe"/],
    [['--control-token', 'short'], {}, /at least 8 characters/],
    [['--verbose'], {}, /unknown option --verbose/],
    [['--port'], {}, /--port needs a value/],
    [['--fault', '{"kind":"hang"'], {}, /--fault=.*must be a fault rule as JSON/],
    [['--fault', '{"kind":"hang","max_ms":9999999}'], {}, /--fault=.*max_ms: /],
    [['--fault', '{"kind":"after_commit_reset","operation":"listProducts"}'], {}, /operation: after_commit_reset applies to purchases only/],
    [[], { AI_MARKET_MOCK_FAULTS: '[{"kind":"teleport"}]' }, /AI_MARKET_MOCK_FAULTS=.*0\.kind: kind must be one of/],
    [[], { AI_MARKET_MOCK_JOURNAL_LIMIT: '0' }, /AI_MARKET_MOCK_JOURNAL_LIMIT="0"/],
    [['--max-connections', '0'], {}, /--max-connections="0"/],
    [['--headers-timeout-ms', '20000', '--request-timeout-ms', '10000'], {}, /headers timeout 20000 ms is longer than the request timeout/],
  ])('refuses %j %j with a message naming the setting', (argv, env, message) => {
    expect(() => parseConfig(argv, env)).toThrow(ConfigError);
    expect(() => parseConfig(argv, env)).toThrow(message);
  });

  it('lists every flag with its variable and default in the help', () => {
    const help = settingsHelp();
    for (const text of ['--port', 'AI_MARKET_MOCK_PORT', 'default: 8080', '--control-token', '--fixtures', '--rate-window', '--fault', 'AI_MARKET_MOCK_FAULTS', '--journal-limit', '--max-connections', 'AI_MARKET_MOCK_HEADERS_TIMEOUT_MS']) {
      expect(help).toContain(text);
    }
  });

  it('checks settings given in code with the same schemas, naming the option', () => {
    expect(configFromValues({ rateLimit: 1000 }, { db: ':memory:', port: 0 })).toMatchObject({
      db: ':memory:',
      port: 0,
      rateLimit: 1000,
      rateWindow: 60,
      host: '127.0.0.1',
    });
    expect(() => configFromValues({ rateLimit: 0 })).toThrow(/options\.rateLimit=0/);
    expect(() => configFromValues({ controlToken: 'short' })).toThrow(/options\.controlToken="short": must be at least 8 characters/);
  });
});
