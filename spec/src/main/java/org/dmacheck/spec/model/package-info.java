/**
 * What the driver believes, built from executed steps alone (never from the engine): the
 * {@link org.dmacheck.spec.model.Ledger} of live {@link org.dmacheck.spec.model.Mapping}s, each cut
 * into {@link org.dmacheck.spec.model.Piece}s that say which device address stands for which CPU
 * byte, and the {@link org.dmacheck.spec.model.DataModel} of the bytes each side must see, following
 * the DMA API's ownership and copy rules. Unknown bytes are never judged, so the rules hold for every
 * correct engine, bounced or not, coherent or not.
 */
package org.dmacheck.spec.model;
