/**
 * Implicit-feedback alternating least squares (Hu, Koren and Volinsky, "Collaborative Filtering
 * for Implicit Feedback Datasets", ICDM 2008).
 *
 * <h2>Objective</h2>
 * <pre>
 *   min over X, Y of   sum_{u,i} c_ui (p_ui - x_u . y_i)^2  +  lambda (sum_u |x_u|^2 + sum_i |y_i|^2)
 * </pre>
 * with preference {@code p_ui = 1} and confidence {@code c_ui = 1 + alpha * w'_ui} for every
 * observed pair, {@code p_ui = 0} and {@code c_ui = 1} for every other pair. Regularisation is
 * {@code lambda * I}, as the {@code implicit} library applies it (not scaled by counts).
 *
 * <h2>Closed form for one row</h2>
 * Holding Y fixed, each user's factors solve
 * <pre>
 *   (Y^T Y + lambda I + Y^T (C^u - I) Y) x_u = Y^T C^u p(u)
 * </pre>
 * where only the user's observed items contribute to {@code Y^T (C^u - I) Y} and to the right-hand
 * side, so {@code Y^T Y + lambda I} is computed once per half iteration. Items are solved the same
 * way with the roles of X and Y swapped.
 *
 * <h2>Solvers</h2>
 * {@link org.partrec.train.Solver#CG}: a few conjugate-gradient steps on that system, started from
 * the previous {@code x_u} (Takács, Pilászy and Tikk, "Applications of the conjugate gradient
 * method for implicit feedback collaborative filtering", RecSys 2011). The matrix is never formed:
 * {@code A p = (Y^T Y + lambda I) p + sum_{i in I(u)} (c_ui - 1)(y_i . p) y_i}.
 * {@link org.partrec.train.Solver#CHOLESKY}: forms the system in double precision and solves it
 * exactly, the slow reference the fast solver is tested against.
 *
 * <h2>Glossary: code to paper</h2>
 * <table>
 *   <caption>names</caption>
 *   <tr><td>{@code factors}, {@code k}</td><td>f, the rank</td></tr>
 *   <tr><td>{@code X}, {@code userFactors}</td><td>x_u stacked as rows</td></tr>
 *   <tr><td>{@code Y}, {@code itemFactors}</td><td>y_i stacked as rows</td></tr>
 *   <tr><td>{@code cui}</td><td>C, the confidence matrix (users x items, CSR), 1 + alpha w'</td></tr>
 *   <tr><td>{@code regularization}</td><td>lambda</td></tr>
 *   <tr><td>{@code gram}</td><td>Y^T Y + lambda I</td></tr>
 *   <tr><td>{@code r}, {@code p}, {@code ap}</td><td>CG residual, search direction, A p</td></tr>
 * </table>
 */
package org.partrec.train;
