// Filled in by its issue; see ../../shared/DESIGN.md for this package's role.
export {};
