// The storefront's whole client: plain browser JavaScript (no build step) that
// talks to the Store API of the same origin with the publishable key the
// server injected into the page. DOM is built with textContent only (no
// innerHTML of API data). Kept free of backticks or backslashes so it can live in a template literal.
export const SHOP_JS = `
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("shop-config").textContent);
  var app = document.getElementById("app");
  var CART_KEY = "storeplane_cart_id";

  function h(tag, attrs, children) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === undefined || v === null || v === false) return;
      if (k === "text") el.textContent = v;
      else if (k.slice(0, 2) === "on") el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? "" : v);
    });
    (children || []).forEach(function (c) {
      if (c === null || c === undefined) return;
      el.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return el;
  }

  function show(nodes) {
    app.textContent = "";
    nodes.forEach(function (n) { if (n) app.appendChild(n); });
    app.setAttribute("aria-busy", "false");
  }

  function fail(err) {
    show([h("p", { class: "error", role: "alert", text: "Something went wrong: " + (err && err.message ? err.message : err) })]);
  }

  function api(path, options) {
    options = options || {};
    var headers = { "x-publishable-api-key": config.publishableKey || "" };
    if (options.body !== undefined) headers["content-type"] = "application/json";
    return fetch(path, {
      method: options.method || "GET",
      headers: headers,
      credentials: "include",
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) {
        if (!res.ok) {
          var e = new Error(data.message || res.status + " " + res.statusText);
          e.status = res.status;
          throw e;
        }
        return data;
      });
    });
  }

  function money(amount, currency) {
    if (amount === null || amount === undefined) return "";
    return new Intl.NumberFormat(undefined, { style: "currency", currency: (currency || "eur").toUpperCase() }).format(amount);
  }

  var PALETTE = ["#1f5f4a", "#7a3e9d", "#b5542b", "#2b5fb5", "#8a6d1c", "#2b8a86"];
  function art(product, label) {
    var sum = 0;
    for (var i = 0; i < product.handle.length; i++) sum += product.handle.charCodeAt(i);
    if (product.thumbnail) {
      return h("img", { class: "art", src: product.thumbnail, alt: label || "" });
    }
    return h("div", { class: "art", style: "background:" + PALETTE[sum % PALETTE.length], role: "img", "aria-label": label || product.title }, [
      product.title.charAt(0),
    ]);
  }

  var regionPromise;
  function region() {
    if (!regionPromise) {
      regionPromise = api("/store/regions").then(function (data) {
        if (!data.regions || !data.regions.length) throw new Error("this shop has no region yet");
        return data.regions[0];
      });
    }
    return regionPromise;
  }

  function cheapest(product) {
    var best = null;
    (product.variants || []).forEach(function (v) {
      var p = v.calculated_price;
      if (p && (best === null || p.calculated_amount < best.calculated_amount)) best = p;
    });
    return best;
  }

  var PRODUCT_FIELDS = "*variants.calculated_price,*variants.options,*options,*options.values,+thumbnail";

  function getCart() {
    var id = localStorage.getItem(CART_KEY);
    if (!id) return Promise.resolve(null);
    return api("/store/carts/" + encodeURIComponent(id)).then(function (d) {
      if (d.cart && d.cart.completed_at) { localStorage.removeItem(CART_KEY); return null; }
      return d.cart;
    }, function (err) {
      if (err.status === 404) { localStorage.removeItem(CART_KEY); return null; }
      throw err;
    });
  }

  function ensureCart() {
    return getCart().then(function (cart) {
      if (cart) return cart;
      return region().then(function (r) {
        return api("/store/carts", { method: "POST", body: { region_id: r.id } }).then(function (d) {
          localStorage.setItem(CART_KEY, d.cart.id);
          return d.cart;
        });
      });
    });
  }

  function updateCount(cart) {
    var n = 0;
    ((cart && cart.items) || []).forEach(function (i) { n += i.quantity; });
    document.querySelectorAll("[data-cart-count]").forEach(function (el) {
      el.textContent = String(n);
      el.setAttribute("aria-label", n + (n === 1 ? " item" : " items") + " in cart");
    });
  }

  // ---- pages ----

  function homePage() {
    return region().then(function (r) {
      return api("/store/products?limit=50&region_id=" + r.id + "&fields=" + encodeURIComponent(PRODUCT_FIELDS)).then(function (data) {
        var items = (data.products || []).map(function (p) {
          var price = cheapest(p);
          return h("li", { class: "card" }, [
            h("a", { href: "/products/" + encodeURIComponent(p.handle) }, [
              art(p, ""),
              h("div", { class: "body" }, [
                h("h2", { text: p.title }),
                p.subtitle ? h("p", { class: "lede", style: "margin:0 0 6px", text: p.subtitle }) : null,
                h("span", { class: "price", text: price ? "from " + money(price.calculated_amount, price.currency_code) : "" }),
              ]),
            ]),
          ]);
        });
        show([
          h("h1", { text: "Shop the collection" }),
          h("p", { class: "lede", text: "Everyday goods, shipped across Europe." }),
          items.length ? h("ul", { class: "grid", "aria-label": "Products" }, items) : h("p", { text: "No products yet." }),
        ]);
      });
    });
  }

  function productPage(handle) {
    return region().then(function (r) {
      return api("/store/products?handle=" + encodeURIComponent(handle) + "&region_id=" + r.id + "&fields=" + encodeURIComponent(PRODUCT_FIELDS)).then(function (data) {
        var p = (data.products || [])[0];
        if (!p) { show([h("h1", { text: "Product not found" }), h("a", { href: "/", text: "Back to the shop" })]); return; }
        document.title = p.title + " · " + document.title.split(" · ").pop();
        var variants = p.variants || [];
        var priceEl = h("p", { class: "price", style: "font-size:1.4rem" });
        var status = h("p", { role: "status" });
        var select = h("select", { id: "variant", name: "variant" }, variants.map(function (v) {
          return h("option", { value: v.id, text: v.title });
        }));
        function syncPrice() {
          var v = variants.filter(function (x) { return x.id === select.value; })[0];
          var cp = v && v.calculated_price;
          priceEl.textContent = cp ? money(cp.calculated_amount, cp.currency_code) : "Not available in this region";
        }
        select.addEventListener("change", syncPrice);
        var qty = h("input", { id: "quantity", name: "quantity", type: "number", min: "1", max: "10", value: "1", inputmode: "numeric" });
        var button = h("button", { type: "submit", text: "Add to cart" });
        var form = h("form", {
          onsubmit: function (ev) {
            ev.preventDefault();
            button.disabled = true;
            status.textContent = "Adding…";
            ensureCart().then(function (cart) {
              return api("/store/carts/" + cart.id + "/line-items", { method: "POST", body: { variant_id: select.value, quantity: Math.max(1, parseInt(qty.value, 10) || 1) } });
            }).then(function (d) {
              updateCount(d.cart);
              status.textContent = "";
              status.appendChild(document.createTextNode("Added to your cart. "));
              status.appendChild(h("a", { href: "/cart", text: "View cart" }));
            }).catch(function (err) {
              status.textContent = "Could not add to cart: " + err.message;
            }).then(function () { button.disabled = false; });
          },
        }, [
          h("label", { for: "variant", text: (p.options && p.options[0] && p.options[0].title) || "Variant" }),
          select,
          h("label", { for: "quantity", text: "Quantity" }),
          qty,
          button,
          status,
        ]);
        syncPrice();
        show([
          h("p", {}, [h("a", { href: "/", text: "← All products" })]),
          h("div", { class: "product" }, [
            art(p, p.title),
            h("div", {}, [
              h("h1", { text: p.title }),
              p.subtitle ? h("p", { class: "lede", text: p.subtitle }) : null,
              priceEl,
              h("p", { text: p.description || "" }),
              form,
            ]),
          ]),
        ]);
      });
    });
  }

  function itemsTable(cart, editable, rerender) {
    var rows = (cart.items || []).map(function (item) {
      var qtyCell = String(item.quantity);
      if (editable) {
        var input = h("input", { type: "number", min: "1", max: "10", value: String(item.quantity), "aria-label": "Quantity of " + item.product_title, style: "width:5em" });
        input.addEventListener("change", function () {
          api("/store/carts/" + cart.id + "/line-items/" + item.id, { method: "POST", body: { quantity: Math.max(1, parseInt(input.value, 10) || 1) } }).then(rerender, fail);
        });
        qtyCell = h("span", {}, [input, " ", h("button", {
          type: "button", class: "link", text: "Remove", "aria-label": "Remove " + item.product_title,
          onclick: function () { api("/store/carts/" + cart.id + "/line-items/" + item.id, { method: "DELETE" }).then(rerender, fail); },
        })]);
      }
      return h("tr", {}, [
        h("td", {}, [h("a", { href: "/products/" + encodeURIComponent(item.product_handle || ""), text: item.product_title }), h("br"), h("small", { text: item.variant_title || "" })]),
        h("td", {}, [qtyCell]),
        h("td", { class: "num", text: money(item.unit_price, cart.currency_code) }),
        h("td", { class: "num", text: money(item.total !== undefined && item.total !== null ? item.total : item.unit_price * item.quantity, cart.currency_code) }),
      ]);
    });
    return h("table", {}, [
      h("caption", { class: "skip", text: "Items" }),
      h("thead", {}, [h("tr", {}, [h("th", { scope: "col", text: "Product" }), h("th", { scope: "col", text: "Quantity" }), h("th", { scope: "col", class: "num", text: "Price" }), h("th", { scope: "col", class: "num", text: "Total" })])]),
      h("tbody", {}, rows),
    ]);
  }

  function cartPage() {
    return getCart().then(function (cart) {
      updateCount(cart);
      if (!cart || !(cart.items || []).length) {
        show([h("h1", { text: "Your cart" }), h("p", { text: "Your cart is empty." }), h("a", { class: "button", href: "/", text: "Continue shopping" })]);
        return;
      }
      show([
        h("h1", { text: "Your cart" }),
        itemsTable(cart, true, cartPage),
        h("p", { class: "totals" }, ["Subtotal: ", h("strong", { text: money(cart.item_subtotal !== undefined ? cart.item_subtotal : cart.subtotal, cart.currency_code) })]),
        h("p", { style: "text-align:right" }, [h("a", { class: "button", href: "/checkout", text: "Go to checkout" })]),
      ]);
    });
  }

  function field(id, label, attrs) {
    var a = { id: id, name: id, required: true };
    Object.keys(attrs || {}).forEach(function (k) { a[k] = attrs[k]; });
    return h("div", {}, [h("label", { for: id, text: label }), h("input", a)]);
  }

  function checkoutPage() {
    return Promise.all([getCart(), region()]).then(function (all) {
      var cart = all[0];
      var r = all[1];
      updateCount(cart);
      if (!cart || !(cart.items || []).length) {
        show([h("h1", { text: "Checkout" }), h("p", { text: "Your cart is empty." }), h("a", { class: "button", href: "/", text: "Continue shopping" })]);
        return;
      }
      var addr = cart.shipping_address || {};
      var countries = (r.countries || []).slice().sort(function (a, b) { return (a.display_name || "").localeCompare(b.display_name || ""); });
      var country = h("select", { id: "country_code", name: "country_code", required: true }, countries.map(function (c) {
        return h("option", { value: c.iso_2, selected: addr.country_code === c.iso_2, text: c.display_name || c.iso_2.toUpperCase() });
      }));
      var status = h("p", { role: "status" });
      var shippingBox = h("fieldset", { hidden: true }, [h("legend", { text: "2. Delivery" })]);
      var paymentBox = h("fieldset", { hidden: true }, [
        h("legend", { text: "3. Payment" }),
        h("div", { class: "option" }, [h("input", { type: "radio", id: "pay-system", name: "payment", value: "pp_system_default", checked: true }), h("label", { for: "pay-system", style: "margin:0", text: "Pay on delivery (manual payment)" })]),
      ]);
      var placeButton = h("button", { type: "button", id: "place-order", hidden: true, text: "Place order" });
      var continueButton = h("button", { type: "submit", text: "Continue to delivery" });

      var addressForm = h("form", {
        id: "address-form",
        onsubmit: function (ev) {
          ev.preventDefault();
          var f = addressForm.elements;
          var address = {
            first_name: f.first_name.value, last_name: f.last_name.value, address_1: f.address_1.value,
            city: f.city.value, postal_code: f.postal_code.value, country_code: f.country_code.value, phone: f.phone.value,
          };
          continueButton.disabled = true;
          status.textContent = "Saving your address…";
          api("/store/carts/" + cart.id, { method: "POST", body: { email: f.email.value, shipping_address: address, billing_address: address } })
            .then(function () { return api("/store/shipping-options?cart_id=" + cart.id); })
            .then(function (d) {
              var options = d.shipping_options || [];
              while (shippingBox.childNodes.length > 1) shippingBox.removeChild(shippingBox.lastChild);
              if (!options.length) { shippingBox.appendChild(h("p", { class: "error", text: "No delivery to this address." })); }
              options.forEach(function (o, i) {
                var id = "ship-" + o.id;
                shippingBox.appendChild(h("div", { class: "option" }, [
                  h("input", { type: "radio", id: id, name: "shipping_option", value: o.id, checked: i === 0 }),
                  h("label", { for: id, style: "margin:0", text: o.name + " — " + money(o.amount !== undefined ? o.amount : (o.calculated_price && o.calculated_price.calculated_amount), cart.currency_code) }),
                ]));
              });
              shippingBox.hidden = false;
              paymentBox.hidden = false;
              placeButton.hidden = !options.length;
              status.textContent = options.length ? "Choose a delivery option and place your order." : "";
              (shippingBox.querySelector("input") || placeButton).focus();
            })
            .catch(function (err) { status.textContent = "Could not save the address: " + err.message; })
            .then(function () { continueButton.disabled = false; });
        },
      }, [
        h("fieldset", {}, [
          h("legend", { text: "1. Contact and address" }),
          field("email", "Email", { type: "email", autocomplete: "email", value: cart.email || "" }),
          h("div", { class: "row" }, [
            field("first_name", "First name", { autocomplete: "given-name", value: addr.first_name || "" }),
            field("last_name", "Last name", { autocomplete: "family-name", value: addr.last_name || "" }),
          ]),
          field("address_1", "Address", { autocomplete: "address-line1", value: addr.address_1 || "" }),
          h("div", { class: "row" }, [
            field("postal_code", "Postal code", { autocomplete: "postal-code", value: addr.postal_code || "" }),
            field("city", "City", { autocomplete: "address-level2", value: addr.city || "" }),
          ]),
          h("label", { for: "country_code", text: "Country" }),
          country,
          field("phone", "Phone (optional)", { type: "tel", autocomplete: "tel", required: false, value: addr.phone || "" }),
          continueButton,
        ]),
      ]);

      placeButton.addEventListener("click", function () {
        var chosen = shippingBox.querySelector("input[name=shipping_option]:checked");
        if (!chosen) { status.textContent = "Please choose a delivery option."; return; }
        placeButton.disabled = true;
        status.textContent = "Placing your order…";
        api("/store/carts/" + cart.id + "/shipping-methods", { method: "POST", body: { option_id: chosen.value } })
          .then(function () { return api("/store/payment-collections", { method: "POST", body: { cart_id: cart.id } }); })
          .then(function (d) { return api("/store/payment-collections/" + d.payment_collection.id + "/payment-sessions", { method: "POST", body: { provider_id: "pp_system_default" } }); })
          .then(function () { return api("/store/carts/" + cart.id + "/complete", { method: "POST", body: {} }); })
          .then(function (d) {
            if (d.type !== "order") throw new Error((d.error && d.error.message) || "the order could not be completed");
            localStorage.removeItem(CART_KEY);
            window.location.assign("/order/" + encodeURIComponent(d.order.id));
          })
          .catch(function (err) { status.textContent = "Could not place the order: " + err.message; placeButton.disabled = false; });
      });

      show([
        h("h1", { text: "Checkout" }),
        h("div", { class: "checkout" }, [
          h("div", {}, [addressForm, shippingBox, paymentBox, placeButton, status]),
          h("aside", { "aria-label": "Order summary" }, [
            h("h2", { text: "Summary" }),
            itemsTable(cart, false),
            h("p", { class: "totals" }, ["Items: ", h("strong", { text: money(cart.item_subtotal !== undefined ? cart.item_subtotal : cart.subtotal, cart.currency_code) })]),
          ]),
        ]),
      ]);
    });
  }

  function orderPage(id) {
    return api("/store/orders/" + encodeURIComponent(id)).then(function (d) {
      var o = d.order;
      var a = o.shipping_address || {};
      updateCount(null);
      show([
        h("div", { class: "confirm" }, [
          h("h1", { text: "Thank you for your order!" }),
          h("p", { class: "lede" }, ["Your order number is ", h("strong", { id: "order-number", "data-display-id": String(o.display_id), text: "#" + o.display_id }), "."]),
          h("p", { text: "A confirmation goes to " + (o.email || "your email") + "." }),
          itemsTable(o, false),
          o.shipping_total !== undefined && o.shipping_total !== null
            ? h("p", { class: "totals", style: "margin-bottom:0" }, ["Shipping: ", h("span", { text: money(o.shipping_total, o.currency_code) })])
            : null,
          h("p", { class: "totals" }, ["Total: ", h("strong", { text: money(o.total, o.currency_code) })]),
          h("h2", { text: "Delivery address" }),
          h("p", { text: [a.first_name, a.last_name].join(" ") + ", " + (a.address_1 || "") + ", " + (a.postal_code || "") + " " + (a.city || "") + ", " + (a.country_code || "").toUpperCase() }),
          h("a", { class: "button", href: "/", text: "Continue shopping" }),
        ]),
      ]);
      document.getElementById("main").focus();
    });
  }

  if (!config.publishableKey) { app.setAttribute("aria-busy", "false"); app.textContent = ""; return; }
  var pages = { home: homePage, product: productPage, cart: cartPage, checkout: checkoutPage, order: orderPage };
  if (config.page !== "cart" && config.page !== "checkout" && config.page !== "order") getCart().then(updateCount, function () {});
  Promise.resolve().then(function () { return pages[config.page](config.param); }).catch(fail);
})();
`;
