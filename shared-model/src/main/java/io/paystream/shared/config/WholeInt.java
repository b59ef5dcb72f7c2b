package io.paystream.shared.config;

import org.eclipse.microprofile.config.spi.Converter;

/**
 * A {@link WholeNumber} setting mapped to an {@code int}: a subclass names the variable and its
 * range only.
 *
 * <pre>{@code
 * @WithConverter(EventLoops.class)
 * int eventLoops();
 *
 * final class EventLoops extends WholeInt {
 *   public EventLoops() {
 *     super("EVENT_LOOPS", 1, Integer.MAX_VALUE);
 *   }
 * }
 * }</pre>
 */
public abstract class WholeInt extends WholeNumber implements Converter<Integer> {
  /** A setting of {@code variable} from {@code min} to {@code max}, as {@link WholeNumber}'s. */
  protected WholeInt(String variable, int min, int max) {
    super(variable, null, min, max);
  }

  @Override
  public Integer convert(String value) {
    return (int) read(value);
  }
}
