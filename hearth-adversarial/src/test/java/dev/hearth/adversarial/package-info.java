/**
 * The standing adversarial suite: each test attacks a shipped part (exporter, parsers, metric
 * API, multi-process reader) the way a hostile or careless caller would, with bounded request
 * counts and time budgets, and asserts that the part stays up and the wire stays valid.
 */
package dev.hearth.adversarial;
