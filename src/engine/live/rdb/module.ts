// Module values (MODULE_2) and module aux data are skipped by walking the module opcodes, which
// describe every field a module saved. MODULE_PRE_GA values cannot be skipped this way.
import type { Reader } from './reader.js';
import { RdbError } from './types.js';

const MODULE_OPCODE_EOF = 0;
const MODULE_OPCODE_SINT = 1;
const MODULE_OPCODE_UINT = 2;
const MODULE_OPCODE_FLOAT = 3;
const MODULE_OPCODE_DOUBLE = 4;
const MODULE_OPCODE_STRING = 5;

const CHARSET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** A module ID is 9 characters of 6 bits each, then a 10-bit encoding version. */
export function moduleName(moduleId: bigint): { name: string; version: number } {
  let name = '';
  for (let i = 0; i < 9; i++) name += CHARSET[Number((moduleId >> BigInt(64 - 6 * (i + 1))) & 63n)];
  return { name, version: Number(moduleId & 1023n) };
}

export function skipModuleOpcodes(r: Reader): void {
  for (;;) {
    const op = r.length();
    switch (op) {
      case MODULE_OPCODE_EOF:
        return;
      case MODULE_OPCODE_SINT:
      case MODULE_OPCODE_UINT:
        r.lengthBig();
        break;
      case MODULE_OPCODE_FLOAT:
        r.skip(4);
        break;
      case MODULE_OPCODE_DOUBLE:
        r.skip(8);
        break;
      case MODULE_OPCODE_STRING:
        r.skipString();
        break;
      default:
        throw new RdbError(`module data: unknown opcode ${op}`);
    }
  }
}
