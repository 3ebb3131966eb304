export { RdbParser, type RdbParserStats } from './parser.js';
export { dumpPayload } from './payload.js';
export { Crc64, crc64 } from './crc64.js';
export * from './types.js';
