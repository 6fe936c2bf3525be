package org.partrec.publish;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/** A blob store that passes every call to another; tests override the calls they break or count. */
public abstract class ForwardingBlobStore implements BlobStore {

    protected final BlobStore delegate;

    protected ForwardingBlobStore(BlobStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public OutputStream create(String name) throws IOException {
        return delegate.create(name);
    }

    @Override
    public InputStream open(String name) throws IOException {
        return delegate.open(name);
    }

    @Override
    public List<String> list(String prefix) throws IOException {
        return delegate.list(prefix);
    }

    @Override
    public boolean delete(String name) throws IOException {
        return delegate.delete(name);
    }

    @Override
    public void move(String from, String to) throws IOException {
        delegate.move(from, to);
    }

    @Override
    public Versioned read(String name) throws IOException {
        return delegate.read(name);
    }

    @Override
    public boolean writeIf(String name, byte[] bytes, long generation) throws IOException {
        return delegate.writeIf(name, bytes, generation);
    }

    @Override
    public boolean deleteIf(String name, long generation) throws IOException {
        return delegate.deleteIf(name, generation);
    }

    @Override
    public String location(String name) {
        return delegate.location(name);
    }
}
