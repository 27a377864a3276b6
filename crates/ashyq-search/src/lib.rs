//! # ashyq-search
//!
//! Full-text search over citizens' proposals with [tantivy]: Russian stemming (Snowball, via
//! tantivy's `Stemmer`) over text first normalised by
//! [`ashyq_core::consult::similarity::normalise`] — lower case, `ё → е`, Kazakh letters folded
//! to the letters typed on a Russian keyboard, Latin look-alikes to Cyrillic — so that a query
//! typed without Kazakh letters finds a proposal written with them, and the reverse. Kazakh
//! words are not stemmed (no Kazakh stemmer is available); they match by their folded form.
//!
//! The index lives in memory (it is rebuilt from the consultation log, which is the record).
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use ashyq_core::consult::similarity::normalise;
use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::{
    Field, INDEXED, IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::tokenizer::{
    Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer,
};
use tantivy::{Index, IndexReader, IndexWriter, TantivyDocument, doc};

/// The tokenizer's registered name.
const TOKENIZER: &str = "ashyq_ru_kk";

/// A search error.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The engine failed.
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
}

/// A hit: the proposal number and the score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    /// Proposal number.
    pub id: u64,
    /// BM25 score.
    pub score: f32,
}

/// An in-memory index of proposals.
pub struct ProposalIndex {
    index: Index,
    writer: IndexWriter,
    reader: Option<IndexReader>,
    id: Field,
    text: Field,
}

impl ProposalIndex {
    /// An empty index; `threads` indexing threads and `memory` bytes of indexing budget.
    pub fn new(threads: usize, memory: usize) -> Result<ProposalIndex, SearchError> {
        let mut sb = Schema::builder();
        let opts = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        let text = sb.add_text_field("text", opts);
        let id = sb.add_u64_field("id", STORED | INDEXED);
        let index = Index::create_in_ram(sb.build());
        index.tokenizers().register(
            TOKENIZER,
            TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(RemoveLongFilter::limit(40))
                .filter(LowerCaser)
                .filter(Stemmer::new(Language::Russian))
                .build(),
        );
        let writer = index
            .writer_with_num_threads(threads.max(1), memory.max(15_000_000 * threads.max(1)))?;
        Ok(ProposalIndex {
            index,
            writer,
            reader: None,
            id,
            text,
        })
    }

    /// Adds a proposal (visible after [`ProposalIndex::commit`]).
    pub fn add(&mut self, id: u64, text: &str) -> Result<(), SearchError> {
        self.writer
            .add_document(doc!(self.id => id, self.text => normalise(text)))?;
        Ok(())
    }

    /// Makes every added proposal searchable.
    pub fn commit(&mut self) -> Result<(), SearchError> {
        self.writer.commit()?;
        let reader = self.index.reader()?;
        reader.reload()?;
        self.reader = Some(reader);
        Ok(())
    }

    /// The best `limit` proposals for a free-text query (any words; no query syntax).
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<Hit>, SearchError> {
        let Some(reader) = &self.reader else {
            return Ok(Vec::new());
        };
        let q = normalise(query);
        if q.is_empty() {
            return Ok(Vec::new());
        }
        let searcher = reader.searcher();
        let parser = QueryParser::for_index(&self.index, vec![self.text]);
        let (query, _) = parser.parse_query_lenient(&q);
        let top = searcher.search(&query, &TopDocs::with_limit(limit.max(1)))?;
        let mut hits = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let d: TantivyDocument = searcher.doc(addr)?;
            if let Some(id) = d.get_first(self.id).and_then(|v| v.as_u64()) {
                hits.push(Hit { id, score });
            }
        }
        Ok(hits)
    }

    /// Number of searchable proposals.
    pub fn len(&self) -> u64 {
        self.reader.as_ref().map_or(0, |r| r.searcher().num_docs())
    }

    /// Whether nothing is searchable.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(texts: &[&str]) -> ProposalIndex {
        let mut ix = ProposalIndex::new(1, 20_000_000).unwrap();
        for (i, t) in texts.iter().enumerate() {
            ix.add(i as u64 + 1, t).unwrap();
        }
        ix.commit().unwrap();
        ix
    }

    #[test]
    fn russian_word_forms_match_by_stem() {
        let ix = index(&[
            "Предлагаю снизить численность членов партии до пяти тысяч",
            "Право на защиту персональных данных",
        ]);
        let hits = ix.search("партий", 5).unwrap();
        assert_eq!(hits.first().map(|h| h.id), Some(1));
        let hits = ix.search("персональные данные", 5).unwrap();
        assert_eq!(hits.first().map(|h| h.id), Some(2));
        assert_eq!(ix.len(), 2);
    }

    #[test]
    fn kazakh_text_is_found_without_kazakh_letters_and_the_reverse() {
        let ix = index(&[
            "Құрылтай депутаттарының саны",
            "Жер қойнауы халыққа тиесілі",
        ]);
        assert_eq!(
            ix.search("курылтай", 5).unwrap().first().map(|h| h.id),
            Some(1)
        );
        assert_eq!(
            ix.search("ҚОЙНАУЫ", 5).unwrap().first().map(|h| h.id),
            Some(2)
        );
        assert!(ix.search("!!!", 5).unwrap().is_empty());
        assert!(ix.search("AND OR (", 5).is_ok());
    }
}
