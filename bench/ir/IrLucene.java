/*
 * IrLucene.java — the Lucene 8 peer of the relevance harness.
 *
 * Usage: java -cp <lucene-core, analyzers-common, queryparser jars>:DIR
 *             IrLucene DOCS.jsonl QUERIES.tsv RUN.txt
 *
 * Indexes {"id","title","text"} records in memory with EnglishAnalyzer
 * (standard tokenizer, possessives, lower case, English stop words, Porter
 * stemmer) and BM25Similarity (k1 = 1.2, b = 0.75), id stored, title and
 * text as two text fields. Each query (plain words, see irconv.c) goes
 * through MultiFieldQueryParser over title and text with the default OR
 * operator — what a Lucene user writes — and the top 1000 are written as a
 * TREC run. Prints index and query times to stderr.
 *
 * The JSONL reader only handles the flat records irconv writes (string
 * values, JSON escapes); it is not a general JSON parser.
 */
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.queryparser.classic.MultiFieldQueryParser;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;

public class IrLucene {
	/* Parse one flat JSON object of string (or number) values. */
	static Map<String, String> parseFlat(String s) {
		Map<String, String> m = new HashMap<>();
		int i = 0, n = s.length();
		while (i < n) {
			int k = s.indexOf('"', i);
			if (k < 0)
				break;
			StringBuilder key = new StringBuilder();
			i = readString(s, k + 1, key);
			while (i < n && s.charAt(i) != ':')
				i++;
			i++;
			while (i < n && Character.isWhitespace(s.charAt(i)))
				i++;
			if (i < n && s.charAt(i) == '"') {
				StringBuilder val = new StringBuilder();
				i = readString(s, i + 1, val);
				m.put(key.toString(), val.toString());
			} else {
				int st = i;
				while (i < n && s.charAt(i) != ',' && s.charAt(i) != '}')
					i++;
				m.put(key.toString(), s.substring(st, i).trim());
			}
			while (i < n && s.charAt(i) != ',' && s.charAt(i) != '}')
				i++;
			i++;
		}
		return m;
	}

	/* Read a JSON string body starting after the opening quote; returns the index after the closing quote. */
	static int readString(String s, int i, StringBuilder out) {
		int n = s.length();
		while (i < n) {
			char c = s.charAt(i++);
			if (c == '"')
				return i;
			if (c != '\\') {
				out.append(c);
				continue;
			}
			char e = s.charAt(i++);
			switch (e) {
			case 'n': out.append('\n'); break;
			case 't': out.append('\t'); break;
			case 'r': out.append('\r'); break;
			case 'b': out.append('\b'); break;
			case 'f': out.append('\f'); break;
			case 'u':
				out.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
				i += 4;
				break;
			default: out.append(e);
			}
		}
		return i;
	}

	public static void main(String[] args) throws Exception {
		if (args.length != 3) {
			System.err.println("usage: IrLucene DOCS.jsonl QUERIES.tsv RUN.txt");
			System.exit(2);
		}
		Analyzer analyzer = new EnglishAnalyzer();
		BM25Similarity sim = new BM25Similarity();
		Directory dir = new ByteBuffersDirectory();
		IndexWriterConfig cfg = new IndexWriterConfig(analyzer);
		cfg.setSimilarity(sim);
		long t0 = System.nanoTime();
		int ndocs = 0;
		try (IndexWriter w = new IndexWriter(dir, cfg);
		     BufferedReader r = Files.newBufferedReader(Paths.get(args[0]), StandardCharsets.UTF_8)) {
			String line;
			while ((line = r.readLine()) != null) {
				if (line.isBlank())
					continue;
				Map<String, String> rec = parseFlat(line);
				Document d = new Document();
				d.add(new StringField("id", rec.getOrDefault("id", ""), Field.Store.YES));
				d.add(new TextField("title", rec.getOrDefault("title", ""), Field.Store.NO));
				d.add(new TextField("text", rec.getOrDefault("text", ""), Field.Store.NO));
				w.addDocument(d);
				ndocs++;
			}
			w.forceMerge(1);
		}
		long t1 = System.nanoTime();

		BooleanQuery.setMaxClauseCount(1 << 16);
		int nq = 0;
		try (DirectoryReader reader = DirectoryReader.open(dir);
		     BufferedReader qr = Files.newBufferedReader(Paths.get(args[1]), StandardCharsets.UTF_8);
		     BufferedWriter out = Files.newBufferedWriter(Paths.get(args[2]), StandardCharsets.UTF_8)) {
			IndexSearcher searcher = new IndexSearcher(reader);
			searcher.setSimilarity(sim);
			MultiFieldQueryParser parser = new MultiFieldQueryParser(new String[] { "title", "text" }, analyzer);
			parser.setDefaultOperator(QueryParser.Operator.OR);
			String line;
			while ((line = qr.readLine()) != null) {
				int tab = line.indexOf('\t');
				if (tab < 0)
					continue;
				String qid = line.substring(0, tab);
				String text = line.substring(tab + 1).trim();
				nq++;
				if (text.isEmpty())
					continue;
				Query q = parser.parse(QueryParser.escape(text));
				TopDocs top = searcher.search(q, 1000);
				int rank = 0;
				for (ScoreDoc sd : top.scoreDocs) {
					rank++;
					String id = searcher.doc(sd.doc).get("id");
					out.write(qid + " Q0 " + id + " " + rank + " " + String.format("%.6f", sd.score) + " lucene\n");
				}
			}
		}
		long t2 = System.nanoTime();
		System.err.printf("lucene: %d documents indexed in %.2fs, %d queries in %.2fs%n", ndocs, (t1 - t0) / 1e9, nq,
				  (t2 - t1) / 1e9);
	}
}
