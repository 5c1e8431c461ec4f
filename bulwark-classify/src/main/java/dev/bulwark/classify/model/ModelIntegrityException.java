package dev.bulwark.classify.model;

/**
 * A model file that must not be loaded: truncated, altered, of an unknown format, or not the file that
 * was expected. Loaders fail closed: nothing of such a file is used.
 *
 * <p>Unchecked so that it passes through loaders composed of lambdas; callers that load models at
 * start-up let it stop start-up, and hot-swap paths catch it and keep the model they have.
 */
public final class ModelIntegrityException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ModelIntegrityException(String message) {
    super(message);
  }

  public ModelIntegrityException(String message, Throwable cause) {
    super(message, cause);
  }
}
