import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, settingsHelp } from './config.js';

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
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5000,
      maxConnections: 1000,
    });
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
    [['--max-connections', '0'], {}, /--max-connections="0"/],
    [['--headers-timeout-ms', '20000', '--request-timeout-ms', '10000'], {}, /headers timeout 20000 ms is longer than the request timeout/],
  ])('refuses %j %j with a message naming the setting', (argv, env, message) => {
    expect(() => parseConfig(argv, env)).toThrow(ConfigError);
    expect(() => parseConfig(argv, env)).toThrow(message);
  });

  it('lists every flag with its variable and default in the help', () => {
    const help = settingsHelp();
    for (const text of ['--port', 'AI_MARKET_MOCK_PORT', 'default: 8080', '--control-token', '--fixtures', '--rate-window', '--max-connections', 'AI_MARKET_MOCK_HEADERS_TIMEOUT_MS']) expect(help).toContain(text);
  });
});
