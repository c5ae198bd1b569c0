/**
 * The package's entry (`import { startSandbox } from 'ai-market-sandbox'`): the sandbox inside
 * a test file, and the typed control client for a sandbox running elsewhere.
 */
export { startSandbox, type Sandbox, type SandboxOptions } from './sandbox/start-sandbox.js';
export {
  ControlApiError,
  createControlClient,
  type ControlAccount,
  type ControlAnswer,
  type ControlClient,
  type ControlClientOptions,
  type ControlClock,
  type ControlOrder,
  type ControlProduct,
  type ControlRequest,
  type ControlSettings,
  type FaultRule,
  type FaultRuleInput,
  type FixtureInput,
  type JournalEntryView,
  type JournalQuery,
  type SandboxState,
} from './sandbox/control-client.js';
export { ConfigError } from './config.js';
export { FixtureError } from './fixture-file.js';
