// A pause of the drill's loops (the checker's drain, the standalone target's wait for a master).
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
