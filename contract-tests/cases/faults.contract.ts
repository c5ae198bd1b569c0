import { registerCases } from '../lib/register.js';
import { CASES_BY_FILE } from './index.js';

registerCases(CASES_BY_FILE['faults']!);
