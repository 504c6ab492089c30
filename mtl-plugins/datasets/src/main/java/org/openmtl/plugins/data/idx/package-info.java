/**
 * Reading the IDX format of MNIST-like data (big-endian magic, dimensions, then raw unsigned
 * bytes), plain or gzip-compressed, with checks that turn a missing, truncated or mismatched file
 * into a {@link org.openmtl.api.data.DataException} naming the file and how to get a good copy.
 */
package org.openmtl.plugins.data.idx;
