/**
 * The admin plane: {@link dev.bulwark.admin.AdminServer}, a REST API under {@code /admin/v1} on its
 * own listen address ({@link dev.bulwark.admin.AdminSettings}), apart from the data plane's port.
 * Callers authenticate with admin tokens (never API keys) and each endpoint checks their roles.
 * Everything in {@code dev.bulwark.admin.internal} may change without notice.
 */
@NullMarked
package dev.bulwark.admin;

import org.jspecify.annotations.NullMarked;
