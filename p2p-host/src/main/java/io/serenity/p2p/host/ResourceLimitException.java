package io.serenity.p2p.host;

/**
 * A connection, stream or buffer was refused because a resource limit was reached. The message
 * says which scope and resource, the usage and limit, and which setting raises it.
 */
public final class ResourceLimitException extends HostException {
  private static final long serialVersionUID = 1L;

  private final transient ResourceManager.Scope scope;
  private final transient ResourceManager.Resource resource;
  /** The limit that was reached. */
  private final long limit;

  ResourceLimitException(String message, ResourceManager.Scope scope, ResourceManager.Resource resource, long limit) {
    super(message);
    this.scope = scope;
    this.resource = resource;
    this.limit = limit;
  }

  /** {@return where the limit was reached} */
  public ResourceManager.Scope scope() {
    return scope;
  }

  /** {@return what ran out} */
  public ResourceManager.Resource resource() {
    return resource;
  }

  /** {@return the limit in force} */
  public long limit() {
    return limit;
  }
}
