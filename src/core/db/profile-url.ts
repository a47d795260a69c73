// The parser is pure and lives in shared/ (the renderer fills the profile form from a pasted URL).
export * from '../../shared/profile-url.js';
