/**
 * The management port's own configuration, kept out of the main context's component scan (it
 * is imported into the management child context only): the ops token check.
 */
package org.partrec.ops;
