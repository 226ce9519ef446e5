package dev.hearth.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.hearth.Histogram;
import dev.hearth.model.HistogramSnapshot;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * What a scrape sees of a histogram while observations land (the guarantee Histogram's Javadoc
 * states): {@code _count} always equals the {@code +Inf} bucket and buckets are cumulative, since
 * {@code _count} is computed from the same bucket reads; {@code _sum} is read before the buckets
 * and added after them by the writer, so it may lag the buckets by the observations in flight but
 * never leads them. The writer observes 1.0 (bucket le=1), then 5.0 (bucket le=10); the scraper
 * takes one snapshot. r1: the le=1 bucket, r2: the +Inf bucket, r3: _count, r4: _sum.
 */
@JCStressTest
@Outcome(id = "0, 0, 0, 0", expect = ACCEPTABLE, desc = "scraped before both")
@Outcome(id = "1, 1, 1, 1", expect = ACCEPTABLE, desc = "scraped between them")
@Outcome(id = "1, 2, 2, 6", expect = ACCEPTABLE, desc = "scraped after both")
@Outcome(id = {"1, 1, 1, 0", "1, 2, 2, 0", "1, 2, 2, 1"}, expect = ACCEPTABLE_INTERESTING,
    desc = "_sum lags the buckets by the observations in flight")
@Outcome(expect = FORBIDDEN, desc = "_count differs from +Inf, or _sum leads the buckets")
@State
public class HistogramScrape {
  private final Histogram histogram =
      Histogram.builder("jcstress").help("h").buckets(1, 10).build();

  @Actor
  public void observe() {
    histogram.observe(1.0);
    histogram.observe(5.0);
  }

  @Actor
  public void scrape(IIII_Result r) {
    HistogramSnapshot.DataPoint p = histogram.snapshot().dataPoints().get(0);
    r.r1 = (int) p.cumulativeCount(0);
    r.r2 = (int) p.cumulativeCount(p.bucketCount() - 1);
    r.r3 = (int) p.count();
    r.r4 = (int) p.sum();
  }
}
