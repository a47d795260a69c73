/** The pool's vocabulary lives in shared/, where the console's front can read it too. */
export * from '../../shared/pool-types.js';
