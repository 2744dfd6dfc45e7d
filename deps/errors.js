'use strict';

/**
 * A dependency could not be obtained or built. The message always names the
 * dependency, what was expected, and what the user can do about it.
 */
class DependencyError extends Error {
  constructor(dependency, problem, remedy) {
    super(`xnnlite: ${dependency}: ${problem}${remedy ? `\n  What to do: ${remedy}` : ''}`);
    this.name = 'DependencyError';
    this.dependency = dependency;
  }
}

module.exports = { DependencyError };
