/*
 * LuceneSpeed.java — indexing time, index size and top-10 query latency of
 * Lucene 8 (Debian liblucene8-java), the Java peer in newsline's speed
 * benchmark (issue 3). Run by bench/speed.sh; relevance is bench/ir's job.
 *
 *   java LuceneSpeed index DIR [THREADS] < records.jsonl
 *   java LuceneSpeed query DIR QUERYFILE [LATFILE] [WARMUP_PASSES] [WARMUP_SECONDS]
 *
 * index: reads JSONL records (fields title, text; others ignored) from
 * standard input, skips records with a blank text (as fts5load and
 * `newsline add` do), and indexes title and text as two TextFields analysed by
 * EnglishAnalyzer (lower case, English stopwords, Porter stemming), stored
 * (Lucene's LZ4 stored fields) so the index, like the FTS5 database and the
 * newsline archive, also holds the text. Similarity is BM25 (Lucene's
 * default). Fastest honest setting: 256 MB RAM buffer, no compound files,
 * MMapDirectory (FSDirectory.open on 64-bit), THREADS indexing threads
 * (default 1). Prints the add+commit time and, separately, forceMerge(1),
 * which bench/speed.sh counts in (FTS5's time includes 'optimize').
 * JSON is parsed by the small flat-object parser below: the JDK has none
 * and the records are flat objects of strings, numbers and nulls.
 *
 * query: one query per line in Lucene classic syntax (querygen's "a OR b",
 * "a AND b", "\"a b\""), parsed by MultiFieldQueryParser over title and text
 * (default operator OR) and run with IndexSearcher.search(query, 10) — the
 * top-k collector with Lucene's block-max WAND pruning. The whole set runs
 * untimed at least WARMUP_PASSES times (default 3) and for at least
 * WARMUP_SECONDS (default 10) so the JIT has compiled the hot paths and the
 * index is in the page cache, then once timed per query with System.nanoTime around parse + search. Prints median,
 * p99 (nearest rank) and mean in microseconds, and the JVM's CPU time per
 * query over the timed pass (all threads); LATFILE gets one latency per
 * line in microseconds.
 *
 * Output lines for scripts start with "kv ".
 */
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.queryparser.classic.MultiFieldQueryParser;
import org.apache.lucene.queryparser.classic.ParseException;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

public final class LuceneSpeed {
	private static final String[] FIELDS = { "title", "text" };

	public static void main(String[] args) throws Exception {
		if (args.length >= 2 && args[0].equals("index")) {
			index(Paths.get(args[1]), args.length > 2 ? Integer.parseInt(args[2]) : 1);
		} else if (args.length >= 3 && args[0].equals("query")) {
			query(Paths.get(args[1]), Paths.get(args[2]), args.length > 3 ? args[3] : null,
					args.length > 4 ? Integer.parseInt(args[4]) : 3,
					args.length > 5 ? Double.parseDouble(args[5]) : 10);
		} else {
			System.err.println("usage: LuceneSpeed index DIR [THREADS] < records.jsonl\n"
					+ "       LuceneSpeed query DIR QUERYFILE [LATFILE] [WARMUP_PASSES] [WARMUP_SECONDS]");
			System.exit(2);
		}
	}

	/* ---------------------------------------------------------------- */
	/* Indexing                                                          */
	/* ---------------------------------------------------------------- */

	private static final List<String> END = new ArrayList<>();

	private static void index(Path dir, int threads) throws Exception {
		if (Files.exists(dir))
			deleteTree(dir);
		Analyzer analyzer = new EnglishAnalyzer();
		IndexWriterConfig cfg = new IndexWriterConfig(analyzer)
				.setOpenMode(IndexWriterConfig.OpenMode.CREATE)
				.setRAMBufferSizeMB(256)
				.setUseCompoundFile(false)
				.setSimilarity(new BM25Similarity());
		AtomicLong records = new AtomicLong(), skipped = new AtomicLong(), lines = new AtomicLong();
		long t0 = System.nanoTime(), t1, t2;
		try (Directory d = FSDirectory.open(dir); IndexWriter w = new IndexWriter(d, cfg)) {
			BufferedReader in = new BufferedReader(
					new InputStreamReader(System.in, StandardCharsets.UTF_8), 1 << 20);
			if (threads <= 1) {
				String line;
				while ((line = in.readLine()) != null)
					add(w, line, records, skipped, lines);
			} else {
				/* one reader thread feeds batches of lines to THREADS workers */
				BlockingQueue<List<String>> q = new ArrayBlockingQueue<>(threads * 4);
				Thread[] ws = new Thread[threads];
				Exception[] fail = new Exception[1];
				for (int i = 0; i < threads; i++) {
					ws[i] = new Thread(() -> {
						try {
							for (List<String> b; (b = q.take()) != END;)
								for (String l : b)
									add(w, l, records, skipped, lines);
						} catch (Exception e) {
							synchronized (fail) {
								fail[0] = e;
							}
						}
					});
					ws[i].start();
				}
				List<String> batch = new ArrayList<>(1000);
				String line;
				while ((line = in.readLine()) != null) {
					batch.add(line);
					if (batch.size() == 1000) {
						q.put(batch);
						batch = new ArrayList<>(1000);
					}
				}
				q.put(batch);
				for (int i = 0; i < threads; i++)
					q.put(END);
				for (Thread t : ws)
					t.join();
				if (fail[0] != null)
					throw fail[0];
			}
			w.commit();
			t1 = System.nanoTime();
			w.forceMerge(1);
			w.commit();
			t2 = System.nanoTime();
		}
		long bytes = treeSize(dir);
		double add = (t1 - t0) / 1e9, merge = (t2 - t1) / 1e9;
		System.out.printf("lucene index: %d records (%d skipped), %.2f s add+commit, "
				+ "%.2f s forceMerge(1), index %.1f MB, %d thread(s)%n", records.get(),
				skipped.get(), add, merge, bytes / 1e6, threads);
		System.out.printf("kv records=%d skipped=%d seconds=%.3f add_seconds=%.3f "
				+ "merge_seconds=%.3f index_bytes=%d threads=%d%n", records.get(),
				skipped.get(), add + merge, add, merge, bytes, threads);
	}

	private static void add(IndexWriter w, String line, AtomicLong records, AtomicLong skipped,
			AtomicLong lines) throws IOException {
		long n = lines.incrementAndGet();
		if (line.isEmpty())
			return;
		String[] f;
		try {
			f = new FlatJson(line).fields("title", "text");
		} catch (IllegalArgumentException e) {
			if (skipped.incrementAndGet() <= 10)
				System.err.println("lucene: line " + n + ": invalid json: " + e.getMessage());
			return;
		}
		String title = f[0] == null ? "" : f[0], text = f[1] == null ? "" : f[1];
		if (text.isBlank()) {
			skipped.incrementAndGet();
			return;
		}
		Document doc = new Document();
		doc.add(new TextField("title", title, Field.Store.YES));
		doc.add(new TextField("text", text, Field.Store.YES));
		w.addDocument(doc);
		records.incrementAndGet();
	}

	/* Just enough JSON for flat records: string values are decoded, every
	 * other value (numbers, literals, nested values) is skipped. */
	private static final class FlatJson {
		private final String s;
		private int i;

		FlatJson(String s) {
			this.s = s;
		}

		String[] fields(String... keys) {
			String[] out = new String[keys.length];
			ws();
			expect('{');
			ws();
			if (peek() == '}')
				return out;
			for (;;) {
				ws();
				String k = string();
				ws();
				expect(':');
				ws();
				int slot = -1;
				for (int j = 0; j < keys.length; j++)
					if (keys[j].equals(k))
						slot = j;
				if (peek() == '"') {
					String v = string();
					if (slot >= 0)
						out[slot] = v;
				} else {
					skipValue();
				}
				ws();
				char c = next();
				if (c == '}')
					return out;
				if (c != ',')
					throw new IllegalArgumentException("expected , or } at " + (i - 1));
			}
		}

		private char peek() {
			if (i >= s.length())
				throw new IllegalArgumentException("unexpected end");
			return s.charAt(i);
		}

		private char next() {
			char c = peek();
			i++;
			return c;
		}

		private void expect(char c) {
			if (next() != c)
				throw new IllegalArgumentException("expected " + c + " at " + (i - 1));
		}

		private void ws() {
			while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0)
				i++;
		}

		private String string() {
			expect('"');
			StringBuilder b = null;
			int start = i;
			for (;;) {
				char c = next();
				if (c == '"')
					return b == null ? s.substring(start, i - 1) : b.toString();
				if (c != '\\') {
					if (b != null)
						b.append(c);
					continue;
				}
				if (b == null)
					b = new StringBuilder(s.substring(start, i - 1));
				char e = next();
				switch (e) {
				case 'n': b.append('\n'); break;
				case 't': b.append('\t'); break;
				case 'r': b.append('\r'); break;
				case 'b': b.append('\b'); break;
				case 'f': b.append('\f'); break;
				case 'u':
					if (i + 4 > s.length())
						throw new IllegalArgumentException("short \\u escape");
					try {
						b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
					} catch (NumberFormatException x) {
						throw new IllegalArgumentException("bad \\u escape");
					}
					i += 4;
					break;
				default: b.append(e); /* \" \\ \/ */
				}
			}
		}

		private void skipValue() {
			char c = peek();
			if (c == '{' || c == '[') {
				int depth = 0;
				do {
					c = peek();
					if (c == '"') {
						string();
						continue;
					}
					if (c == '{' || c == '[')
						depth++;
					else if (c == '}' || c == ']')
						depth--;
					i++;
				} while (depth > 0);
				return;
			}
			while (i < s.length() && ",}] \t\r\n".indexOf(s.charAt(i)) < 0)
				i++;
		}
	}

	/* ---------------------------------------------------------------- */
	/* Queries                                                           */
	/* ---------------------------------------------------------------- */

	private static void query(Path dir, Path qfile, String latfile, int warmup,
			double warmupSeconds) throws Exception {
		List<String> qs = new ArrayList<>();
		for (String l : Files.readAllLines(qfile, StandardCharsets.UTF_8))
			if (!l.isBlank())
				qs.add(l.strip());
		if (qs.isEmpty())
			throw new IllegalArgumentException(qfile + ": no queries");
		try (Directory d = FSDirectory.open(dir); DirectoryReader r = DirectoryReader.open(d)) {
			IndexSearcher s = new IndexSearcher(r);
			s.setSimilarity(new BM25Similarity());
			MultiFieldQueryParser p = new MultiFieldQueryParser(FIELDS, new EnglishAnalyzer());
			p.setDefaultOperator(QueryParser.Operator.OR);
			/* warm-up: at least `warmup` passes and at least warmupSeconds */
			long wend = System.nanoTime() + (long) (warmupSeconds * 1e9);
			for (int pass = 0; pass < warmup || System.nanoTime() < wend; pass++)
				for (String q : qs)
					run(s, p, q, false);
			double[] lat = new double[qs.size()];
			long hits = 0, errors = 0;
			double total = 0;
			long c0 = cpuNanos();
			for (int k = 0; k < lat.length; k++) {
				long t0 = System.nanoTime();
				long n = run(s, p, qs.get(k), errors < 5);
				lat[k] = (System.nanoTime() - t0) / 1e3;
				total += lat[k];
				if (n < 0)
					errors++;
				else
					hits += n;
			}
			double cpu = (cpuNanos() - c0) / 1e3 / lat.length;
			if (latfile != null) {
				try (PrintWriter pw = new PrintWriter(Files.newBufferedWriter(Paths.get(latfile)))) {
					for (double v : lat)
						pw.printf("%.1f%n", v);
				}
			}
			double[] sorted = lat.clone();
			Arrays.sort(sorted);
			double med = pct(sorted, 0.5), p99 = pct(sorted, 0.99), mean = total / lat.length;
			System.out.printf("lucene query: %d queries (%d errors), %d hits, median %.1f us, "
					+ "p99 %.1f us, mean %.1f us, CPU %.1f us/query%n", lat.length, errors,
					hits, med, p99, mean, cpu);
			System.out.printf("kv queries=%d errors=%d hits=%d median_us=%.1f p99_us=%.1f "
					+ "mean_us=%.1f cpu_us=%.1f%n", lat.length, errors, hits, med, p99, mean, cpu);
		}
	}

	/* Hits returned, or -1 when the query does not parse. */
	private static long run(IndexSearcher s, QueryParser p, String q, boolean report)
			throws IOException {
		Query query;
		try {
			query = p.parse(q);
		} catch (ParseException e) {
			if (report)
				System.err.println("lucene: query " + q + ": " + e.getMessage());
			return -1;
		}
		TopDocs td = s.search(query, 10);
		long n = 0;
		for (ScoreDoc sd : td.scoreDocs)
			n += sd.doc >= 0 ? 1 : 0;
		return n;
	}

	/* CPU time of the whole JVM (all threads: GC and JIT included), or 0. */
	private static long cpuNanos() {
		java.lang.management.OperatingSystemMXBean os =
				java.lang.management.ManagementFactory.getOperatingSystemMXBean();
		if (os instanceof com.sun.management.OperatingSystemMXBean)
			return ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime();
		return 0;
	}

	private static double pct(double[] sorted, double p) {
		int r = (int) Math.ceil(p * sorted.length);
		return sorted[r > 0 ? r - 1 : 0];
	}

	/* ---------------------------------------------------------------- */
	/* Files                                                             */
	/* ---------------------------------------------------------------- */

	private static long treeSize(Path dir) throws IOException {
		try (Stream<Path> st = Files.walk(dir)) {
			return st.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
		}
	}

	private static void deleteTree(Path dir) throws IOException {
		try (Stream<Path> st = Files.walk(dir)) {
			st.sorted((a, b) -> b.compareTo(a)).forEach(f -> f.toFile().delete());
		}
	}
}
