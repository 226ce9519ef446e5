/**
 * jcstress tests of what Hearth's concurrency rests on. Each test names its accepted, interesting
 * and forbidden outcomes; a forbidden outcome seen once fails the run ({@code run-jcstress.sh}).
 */
package dev.hearth.jcstress;
